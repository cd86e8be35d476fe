import cliProgress from 'cli-progress';

/** One phase's progress: `step` names what runs now and advances the count when it is done. */
export interface PhaseProgress {
  /** Says which step starts now. */
  begin(step: string): void;
  /** Marks the current step done. */
  done(): void;
  /** Ends the phase, with a closing note. */
  finish(note: string): void;
}

/**
 * A cli-progress bar per phase on a terminal; plain lines (one per step) when stdout is not a TTY, so a
 * log file stays readable.
 */
export function startPhase(name: string, steps: number): PhaseProgress {
  return process.stdout.isTTY ? barProgress(name, steps) : lineProgress(name, steps);
}

function barProgress(name: string, steps: number): PhaseProgress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${name.padEnd(10)} [{bar}] {value}/{total} {duration_formatted} {step}`,
      stream: process.stdout,
      hideCursor: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let completed = 0;
  bar.start(steps, 0, { step: '' });
  return {
    begin: (step) => bar.update(completed, { step }),
    done: () => bar.update(++completed),
    finish: (note) => {
      bar.update(completed, { step: note });
      bar.stop();
    },
  };
}

function lineProgress(name: string, steps: number): PhaseProgress {
  const startedAt = Date.now();
  let completed = 0;
  return {
    begin: (step) => console.log(`${name}: [${completed + 1}/${steps}] ${step}`),
    done: () => void completed++,
    finish: (note) => console.log(`${name}: ${note} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`),
  };
}
