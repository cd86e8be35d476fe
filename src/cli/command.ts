/** One `hotconf` sub-command: its help texts and what it does with the words after its name. */
export interface Command {
  name: string;
  /** One line for `hotconf --help`. */
  summary: string;
  synopsis: string;
  description: string;
  /** The command's own option lines, if it has any. */
  options?: string;
  run(argv: string[]): Promise<void>;
}
