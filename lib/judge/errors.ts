/**
 * Judge failures. They are recorded per item (ItemDecision.errors) instead of aborting a run: the reference dies on
 * the first unparsable reply (`ast.literal_eval`), losing hours of paid judge calls.
 */
export class JudgeError extends Error {
  override name = 'JudgeError';
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** The judge replied, but not with exactly one literal of the expected shape. */
export class JudgeReplyError extends JudgeError {
  override name = 'JudgeReplyError';
  constructor(
    message: string,
    readonly reply: string,
  ) {
    super(`${message}; reply was: ${JSON.stringify(reply.length > 200 ? `${reply.slice(0, 200)}…` : reply)}`);
  }
}
