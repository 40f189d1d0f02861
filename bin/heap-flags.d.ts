/** V8 flags for the CLI's process. */
export declare const heapFlags: readonly string[];
/** Restarts this script under `heapFlags` in place (same pid) unless heap sizes are set already. */
export declare function execWithHeapFlags(): void;
