/** Picks the renderer of a `--format`. */
import type { Outcome } from '../outcome.js';
import type { Format } from '../values.js';
import { renderChrome } from './chrome.js';
import { renderDot } from './dot.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderText } from './text.js';

/** Renders `outcome` in `format`; text fits `width` and ends with the `extra` lines. */
export function renderOutcome(
  format: Format,
  outcome: Outcome,
  width: number,
  extra: readonly string[] = [],
): string {
  switch (format) {
    case 'text':
      return renderText(outcome, width, extra);
    case 'json':
      return renderJson(outcome);
    case 'junit':
      return renderJunit(outcome);
    case 'chrome':
      return renderChrome(outcome);
    case 'dot':
      return renderDot(outcome);
  }
}
