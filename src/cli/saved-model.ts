/** Models saved by `crm fit --save`, read back for `crm value` and `crm score`. */
import { readFileSync } from 'node:fs';
import { ModelError, UsageError } from '../errors.js';
import type { FittedModel } from '../models/types.js';

/** A saved model: the fit and the units it was fitted in (what `crm value --model-file` reads). */
export interface SavedModel extends FittedModel {
  period: { name: string; days: number };
  asOf: string | null;
  /** Present for gammagamma: the frequency-spend correlation. */
  frequencySpendCorrelation?: number;
}

/**
 * Reads a model saved by `crm fit --save`. `what` names it in messages ("model file", "--spend-model-file");
 * with `refuseUntrusted`, a fit saved as not trusted is a ModelError naming its problems.
 *
 * @throws {UsageError} when the file cannot be read or is not a saved model
 */
export function readSavedModel(path: string, what: string, { refuseUntrusted = false }: { refuseUntrusted?: boolean } = {}): SavedModel {
  let model: SavedModel;
  try {
    model = JSON.parse(readFileSync(path, 'utf8')) as SavedModel;
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!model || typeof model.params !== 'object' || typeof model.model !== 'string') throw new UsageError(`${path} is not a model saved by crm fit --save`);
  if (refuseUntrusted && model.trusted === false) {
    throw new ModelError(`${path}: the saved ${model.model} fit is not trusted (${(model.problems ?? []).join('; ')})`, { hint: 'refit it; crm fit says why' });
  }
  return model;
}
