/** Thrown for an invalid option; the message names the option and never echoes a secret. */
export class EmulatorOptionsError extends Error {
  override readonly name = 'EmulatorOptionsError';
}

/** Throws an {@link EmulatorOptionsError} with the emulator's prefix. */
export function failOption(message: string): never {
  throw new EmulatorOptionsError(`PerformChat emulator: ${message}`);
}
