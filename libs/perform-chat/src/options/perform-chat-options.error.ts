import { Messages } from '../perform-chat.messages';

/** Thrown at boot when the module options are invalid. Lists every problem; never a secret. */
export class PerformChatOptionsError extends Error {
  override readonly name = 'PerformChatOptionsError';
  constructor(readonly problems: string[]) {
    super(Messages.invalidOptions(problems));
  }
}
