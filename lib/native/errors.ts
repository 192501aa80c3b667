/**
 * Every failure inside the native addon (a c10::Error from libtorch, a std::exception, a bad argument, a disposed
 * handle) reaches JavaScript as a TorchError. The message keeps libtorch's text; `op` names the binding that failed.
 */
export class TorchError extends Error {
  override name = 'TorchError';
  /** The native op that failed, e.g. "matmul". */
  op = '';
  /** libtorch's own message, without the op prefix. */
  nativeMessage = '';
}

/** Thrown when a tensor (or another native handle) is used after dispose(). */
export class DisposedError extends TorchError {
  override name = 'DisposedError';
}

/** The native addon could not be loaded; the message lists what was tried and how to fix it. */
export class AddonLoadError extends Error {
  override name = 'AddonLoadError';
}
