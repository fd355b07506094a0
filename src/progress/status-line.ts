/** Something text can be written to: process.stderr, or a test's fake terminal. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * The one redrawn line at the bottom of a terminal (apply's progress). Everything else written to the same
 * terminal goes through `print`, which clears the line, writes, and draws it again below: without that, a
 * log line lands in the middle of the progress text and the next redraw erases half of it.
 */
export interface StatusLine {
  /** Shows `text` as the status line, replacing the previous one. */
  draw(text: string): void;
  /** Writes whole lines above the status line. */
  print(text: string): void;
  /** Leaves the status line on screen and moves below it; later prints start on a fresh line. */
  end(): void;
}

const CLEAR = '\r\x1b[2K';

export function createStatusLine(sink: TextSink): StatusLine {
  let shown: string | undefined;
  return {
    draw(text) {
      shown = text;
      sink.write(`${CLEAR}${text}`);
    },
    print(text) {
      if (text === '') return;
      if (shown !== undefined) sink.write(CLEAR);
      sink.write(text.endsWith('\n') ? text : `${text}\n`);
      if (shown !== undefined) sink.write(`${CLEAR}${shown}`);
    },
    end() {
      if (shown === undefined) return;
      shown = undefined;
      sink.write('\n');
    },
  };
}
