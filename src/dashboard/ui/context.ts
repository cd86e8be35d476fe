/// <reference lib="dom" />

export interface Session {
  readOnly: boolean;
  authenticated: boolean;
  features: { history: boolean; recurring: boolean };
}

/** What a page gets: where to draw, the session, and how to report. */
export interface PageContext {
  root: HTMLElement;
  session: Session;
  /** The route's argument (`#change/<id>` → id). */
  argument: string;
  /** Shows an error as `code: message` above the page. */
  report(error: unknown): void;
  notify(text: string): void;
  /** Redraws the page's data now (after a change). */
  refresh(): void;
}

/**
 * A page draws its controls once in `mount`, and returns the function that fetches and draws its data,
 * which runs at once and on every refresh: typing in a control is never lost to a refresh.
 */
export interface Page {
  title: string;
  mount(context: PageContext): () => Promise<void>;
}
