/**
 * Stage marks for performance work: an analysis calls `trace(tracer, 'stage')` after each stage; the caller
 * decides what a mark does (the CLI prints timings and memory with CRM_TRACE=1, src/cli/trace.ts). No tracer,
 * no cost.
 */

/** Receives the name of each stage as it ends. */
export type Tracer = (stage: string) => void;

/** Marks the end of `stage` when a tracer is given. */
export function trace(tracer: Tracer | undefined, stage: string): void {
  tracer?.(stage);
}
