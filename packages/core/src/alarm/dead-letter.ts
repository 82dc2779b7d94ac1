import type { ValidationIssue } from "@firebreak/core/shared/errors";

/** An event that can never be processed (malformed): kept whole, with the reason, for a human. */
export interface DeadLetter {
  source: string;
  reason: string;
  issues: ValidationIssue[];
  event: unknown;
  at: string;
}

export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/** Local adapter: keeps dead letters in memory (and hands them to an optional listener). */
export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  constructor(private readonly onLetter?: (letter: DeadLetter) => void) {}
  async send(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
    this.onLetter?.(letter);
  }
}
