/** An error the CLI reports as its message alone (exit code 1), without a stack. */
export class CliError extends Error {}
