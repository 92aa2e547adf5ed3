/** Waiting in tests for a condition that network or timer events will make true. */
import assert from 'node:assert/strict';

/**
 * Resolves once `cond()` holds, polling every `pollMs`; fails after `ms` naming `what` (a text, or a
 * function for a text that says how far things got). Bounded by time, not by a count of event-loop
 * turns, so a loaded machine slows it down instead of failing it.
 */
export async function until(what: string | (() => string), cond: () => boolean, ms = 3000, pollMs = 5): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline)
      assert.fail(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
