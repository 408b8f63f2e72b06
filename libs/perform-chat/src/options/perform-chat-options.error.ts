import { Messages } from '../perform-chat.messages';
import { isDefaultInstance } from './instance-name';

/**
 * Thrown at boot when the module options are invalid. Lists every problem, and names the
 * instance when it is not the default one; never a secret.
 */
export class PerformChatOptionsError extends Error {
  override readonly name = 'PerformChatOptionsError';
  constructor(
    readonly problems: string[],
    /** The instance whose options these are (`name` extra); unset or `default` for the unnamed one. */
    readonly instance?: string,
  ) {
    super(
      instance === undefined || isDefaultInstance(instance)
        ? Messages.invalidOptions(problems)
        : Messages.instanceOptionsInvalid(instance, problems),
    );
  }
}
