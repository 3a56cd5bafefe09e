// Reads `docker build` output, BuildKit's plain progress or the legacy builder's "Step N/M", into the
// step being run and, on failure, the step that failed with its last lines of output.

export interface BuildStep {
  /** e.g. "[builder 3/5] RUN pip install -r requirements.txt" or "Step 3/5 : RUN pip install ..." */
  name: string;
  cached: boolean;
  /** Output of the step, last lines only. */
  output: string[];
}

export interface FailedStep {
  step?: string;
  /** The engine's own error line. */
  error: string;
  /** The last lines the failing step printed. */
  output: string[];
}

const KEEP_LINES = 25;
const BUILDKIT_STEP = /^#(\d+) (\[[^\]]+\] .*)$/;
const BUILDKIT_LINE = /^#(\d+) (?:\d+\.\d+ )?(.*)$/;
const LEGACY_STEP = /^Step \d+\/\d+ : (.*)$/;

export class ProgressParser {
  private readonly steps = new Map<string, BuildStep>();
  private current?: BuildStep;
  private readonly tail: string[] = [];
  private errorLine?: string;
  /** BuildKit prefixes every line of a step with its number; the rest is its closing summary. */
  private buildkit = false;

  constructor(private readonly onStep?: (step: BuildStep) => void) {}

  line(raw: string): void {
    // The legacy builder colours the step's stderr; escapes would hide the engine's error line.
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "").replace(/\r$/, "");
    this.tail.push(line);
    if (this.tail.length > KEEP_LINES) this.tail.shift();
    if (/^(error|ERROR):? /.test(line) || line.startsWith("failed to solve") || line.startsWith("The command '")) {
      this.errorLine ??= line;
    }
    const bkStep = BUILDKIT_STEP.exec(line);
    if (bkStep) {
      this.buildkit = true;
      if (bkStep[2].startsWith("[internal]")) return;
      const step: BuildStep = { name: bkStep[2], cached: false, output: [] };
      this.steps.set(bkStep[1], step);
      this.current = step;
      this.onStep?.(step);
      return;
    }
    const bkLine = BUILDKIT_LINE.exec(line);
    if (bkLine) {
      const step = this.steps.get(bkLine[1]);
      if (!step) return;
      if (bkLine[2] === "CACHED") step.cached = true;
      else if (bkLine[2].startsWith("ERROR")) {
        this.current = step;
        this.errorLine ??= bkLine[2];
      } else if (!/^(DONE|sha256:|resolve |extracting |transferring |writing |naming |exporting )/.test(bkLine[2])) keep(step, bkLine[2]);
      return;
    }
    if (this.buildkit) return;
    const legacy = LEGACY_STEP.exec(line);
    if (legacy) {
      const step: BuildStep = { name: line, cached: false, output: [] };
      this.current = step;
      this.onStep?.(step);
      return;
    }
    if (this.current && line === " ---> Using cache") this.current.cached = true;
    else if (this.current && !line.startsWith(" ---> ") && !line.startsWith("Removing intermediate container")) keep(this.current, line);
  }

  /** What failed: the step that was running, the engine's error line and that step's last output. */
  failure(): FailedStep {
    return {
      step: this.current?.name,
      error: this.errorLine ?? this.tail.filter((l) => l.trim()).at(-1) ?? "the build failed",
      output: this.current?.output ?? this.tail,
    };
  }
}

function keep(step: BuildStep, line: string): void {
  step.output.push(line);
  if (step.output.length > KEEP_LINES) step.output.shift();
}
