// The one idempotent-revert helper: every undo in the SDK (a fault's revert, a service's stop) runs its action
// once; later and concurrent calls share that run. A failed run may be retried.
export function once(action: () => Promise<void>): () => Promise<void> {
  let done = false;
  let running: Promise<void> | undefined;
  return () => {
    if (done) return Promise.resolve();
    running ??= action().then(
      () => {
        done = true;
      },
      (error: unknown) => {
        running = undefined;
        throw error;
      },
    );
    return running;
  };
}
