#!/usr/bin/env python3
"""Build a PEP 503 "simple" package index from Debian packages, for builds on a machine without PyPI.

    build-index.py OUT FILE...

Each FILE is one of:
  *.deb carrying /usr/share/python-wheels/*.whl   the wheels are served as they are (pip, setuptools, wheel)
  *.deb carrying /usr/lib/python3/dist-packages    repacked as a py3-none-any wheel: the distribution's files
                                                   and its metadata (egg-info converted to dist-info); compiled
                                                   extensions are left out, since they were built for another
                                                   interpreter and the packages chosen fall back to pure Python
  NAME-VERSION.tar.gz                              served as an sdist, so pip must build it (psycopg2)

Wheels are written with fixed timestamps and sorted entries: the same inputs give the same bytes.
"""
import base64
import email.parser
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

DIST_PACKAGES = "usr/lib/python3/dist-packages"
WHEELS = "usr/share/python-wheels"
EPOCH = (1980, 1, 1, 0, 0, 0)


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name(name):
    return re.sub(r"[-_.]+", "_", name)


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def egg_requires_to_metadata(requires_text):
    """requires.txt sections ([extra], [:marker], [extra:marker]) as Requires-Dist lines."""
    lines, extra, marker = [], "", ""
    for raw in requires_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[([^:\]]*)(?::(.*))?\]", line)
        if m:
            extra, marker = m.group(1) or "", m.group(2) or ""
            continue
        conds = []
        if marker:
            conds.append(f"({marker})" if extra else marker)
        if extra:
            conds.append(f'extra == "{extra}"')
        lines.append(f"Requires-Dist: {line}" + (f"; {' and '.join(conds)}" if conds else ""))
    return lines


def metadata_from(info_dir):
    """METADATA text of a dist-info or egg-info directory, plus the extra files worth keeping."""
    if info_dir.endswith(".dist-info"):
        with open(os.path.join(info_dir, "METADATA"), encoding="utf-8") as f:
            return f.read()
    with open(os.path.join(info_dir, "PKG-INFO"), encoding="utf-8") as f:
        pkg_info = f.read()
    head, _, body = pkg_info.partition("\n\n")
    head_lines = [l for l in head.splitlines() if not l.startswith("Requires-Dist:")]
    requires = os.path.join(info_dir, "requires.txt")
    if os.path.exists(requires):
        with open(requires, encoding="utf-8") as f:
            head_lines += egg_requires_to_metadata(f.read())
    return "\n".join(head_lines) + "\n\n" + body


def repack(root, out_dir):
    site = os.path.join(root, DIST_PACKAGES)
    infos = [e for e in os.listdir(site) if e.endswith((".dist-info", ".egg-info"))]
    if len(infos) != 1:
        raise SystemExit(f"{root}: expected one distribution in {DIST_PACKAGES}, found {infos}")
    info = os.path.join(site, infos[0])
    metadata = metadata_from(info)
    headers = email.parser.Parser().parsestr(metadata, headersonly=True)
    name, version = headers["Name"], headers["Version"]
    dist_info = f"{wheel_name(name)}-{version}.dist-info"
    entries, dropped = {}, []
    for top in sorted(os.listdir(site)):
        path = os.path.join(site, top)
        if top == infos[0]:
            continue
        if os.path.isfile(path):
            if top.endswith(".py"):
                with open(path, "rb") as f:
                    entries[top] = f.read()
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for fn in sorted(filenames):
                if fn.endswith((".so", ".pyc")):
                    continue
                full = os.path.join(dirpath, fn)
                if os.path.islink(full):
                    # Debian swaps vendored files for links into other packages (jquery in Django's admin):
                    # keep those that resolve inside this package, drop the rest.
                    target = os.readlink(full)
                    resolved = os.path.join(root, target.lstrip("/")) if os.path.isabs(target) else full
                    if not os.path.isfile(resolved):
                        dropped.append(os.path.relpath(full, site))
                        continue
                    full = resolved
                with open(full, "rb") as f:
                    entries[os.path.relpath(full, site)] = f.read()
    entries[f"{dist_info}/METADATA"] = metadata.encode()
    entries[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: whittle-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    for extra in ("entry_points.txt", "top_level.txt"):
        p = os.path.join(info, extra)
        if os.path.exists(p):
            with open(p, "rb") as f:
                entries[f"{dist_info}/{extra}"] = f.read()
    record = "".join(f"{p},{record_hash(d)},{len(d)}\n" for p, d in entries.items())
    record += f"{dist_info}/RECORD,,\n"
    entries[f"{dist_info}/RECORD"] = record.encode()
    target = os.path.join(out_dir, f"{wheel_name(name)}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for p, d in entries.items():
            zi = zipfile.ZipInfo(p, EPOCH)
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, d)
    if dropped:
        print(f"  {os.path.basename(target)}: left out {len(dropped)} links to other Debian packages", file=sys.stderr)
    return [target]


def from_deb(deb, out_dir):
    with tempfile.TemporaryDirectory() as root:
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        wheels_dir = os.path.join(root, WHEELS)
        if os.path.isdir(wheels_dir):
            found = []
            for fn in sorted(os.listdir(wheels_dir)):
                if fn.endswith(".whl"):
                    shutil.copy(os.path.join(wheels_dir, fn), os.path.join(out_dir, fn))
                    found.append(os.path.join(out_dir, fn))
            return found
        if os.path.isdir(os.path.join(root, DIST_PACKAGES)):
            return repack(root, out_dir)
    raise SystemExit(f"{deb}: neither wheels nor a Python distribution inside")


def project_of(filename):
    if filename.endswith(".whl"):
        return filename.split("-")[0]
    m = re.fullmatch(r"(.+)-[^-]+\.tar\.gz", filename)
    if not m:
        raise SystemExit(f"{filename}: sdists are named NAME-VERSION.tar.gz")
    return m.group(1)


def write_pages(out_dir, files):
    simple = os.path.join(out_dir, "simple")
    projects = {}
    for f in files:
        projects.setdefault(normalize(project_of(os.path.basename(f))), []).append(f)
    os.makedirs(simple, exist_ok=True)
    for project, paths in sorted(projects.items()):
        pdir = os.path.join(simple, project)
        os.makedirs(pdir, exist_ok=True)
        links = []
        for p in sorted(paths):
            fn = os.path.basename(p)
            with open(p, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            links.append(f'<a href="../../files/{html.escape(fn)}#sha256={digest}">{html.escape(fn)}</a><br>')
        with open(os.path.join(pdir, "index.html"), "w") as f:
            f.write("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")
    with open(os.path.join(simple, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>\n")
        f.write("\n".join(f'<a href="{p}/">{p}</a><br>' for p in sorted(projects)))
        f.write("\n</body></html>\n")
    return sorted(projects)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    out_dir, inputs = argv[1], argv[2:]
    files_dir = os.path.join(out_dir, "files")
    os.makedirs(files_dir, exist_ok=True)
    files = []
    for item in inputs:
        if item.endswith(".deb"):
            files += from_deb(item, files_dir)
        elif item.endswith(".tar.gz"):
            target = os.path.join(files_dir, os.path.basename(item))
            shutil.copy(item, target)
            files.append(target)
        else:
            raise SystemExit(f"{item}: not a .deb or an sdist")
    projects = write_pages(out_dir, files)
    for f in sorted(files):
        print(f"  {os.path.basename(f)} ({os.path.getsize(f) // 1024} KiB)")
    print(f"{len(files)} files, {len(projects)} projects")


if __name__ == "__main__":
    main(sys.argv)
