import condaCache from "../../src/rules/conda-cache.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(condaCache, {
  valid: [
    { name: "conda clean -afy", code: "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -afy\n" },
    { name: "conda clean --all", code: "FROM continuumio/miniconda3\nRUN conda env create -f environment.yml && conda clean --all --yes\n" },
    { name: "tarballs", code: "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -tipsy\n" },
    { name: "micromamba clean", code: "FROM mambaorg/micromamba:1.5\nRUN micromamba install -y -n base -f env.yaml && micromamba clean --all --yes\n" },
    { name: "pkgs removed", code: "FROM continuumio/miniconda3\nRUN conda install -y numpy && rm -rf /opt/conda/pkgs\n" },
    { name: "cache mount on pkgs", code: "FROM continuumio/miniconda3\nRUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy\n" },
    { name: "builder stage packed with conda-pack", code: "FROM continuumio/miniconda3 AS build\nRUN conda create -y -p /env numpy && conda-pack -p /env -o /env.tar.gz\nFROM debian:bookworm-slim\nCOPY --from=build /env.tar.gz /\n" },
    { name: "conda list is not an install", code: "FROM continuumio/miniconda3\nRUN conda list\n" },
  ],
  invalid: [
    {
      name: "conda install",
      code: "FROM continuumio/miniconda3\nRUN conda install -y numpy pandas\n",
      errors: [{ line: 2, column: 5, endColumn: 18, message: "conda clean" }],
      output: "FROM continuumio/miniconda3\nRUN conda install -y numpy pandas && conda clean -afy\n",
    },
    {
      name: "mamba env create",
      code: "FROM condaforge/miniforge3\nRUN mamba env create -f environment.yml\n",
      errors: [{ line: 2 }],
      output: "FROM condaforge/miniforge3\nRUN mamba env create -f environment.yml && mamba clean -afy\n",
    },
    {
      name: "conda env update fills the package cache as create does",
      code: "FROM continuumio/miniconda3\nRUN conda env update -n base -f environment.yml\n",
      errors: [{ line: 2 }],
      output: "FROM continuumio/miniconda3\nRUN conda env update -n base -f environment.yml && conda clean -afy\n",
    },
    {
      name: "micromamba",
      code: "FROM mambaorg/micromamba:1.5\nRUN micromamba install -y -n base python=3.11\n",
      errors: [{ line: 2 }],
      output: "FROM mambaorg/micromamba:1.5\nRUN micromamba install -y -n base python=3.11 && micromamba clean --all --yes\n",
    },
    {
      name: "a clean of the index only",
      code: "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean --index-cache\n",
      errors: [{ line: 2 }],
      output: "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean --index-cache && conda clean -afy\n",
    },
    {
      name: "full path and a heredoc",
      code: "FROM continuumio/miniconda3\nRUN <<EOF\nset -e\n/opt/conda/bin/conda create -y -n app python=3.11\nEOF\n",
      errors: [{ line: 4, column: 1 }],
      output: "FROM continuumio/miniconda3\nRUN <<EOF\nset -e\n/opt/conda/bin/conda create -y -n app python=3.11\n/opt/conda/bin/conda clean -afy\nEOF\n",
    },
  ],
});
