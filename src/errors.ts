/** An error the user can act on: printed as one line, exit code 2, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
