import { Messages, OptionWords } from '../perform-chat.messages';
import { EXPIRES_IN_PATTERN, parseExpiresIn } from './expires-in';
import { custom } from './option-rules';

/**
 * A lifetime option in the documented form, at most the 365-day ceiling. A value not in the
 * form is not shown (it may be a secret in the wrong variable); one in the form is, with the
 * ceiling.
 */
export const EXPIRES_IN = custom(OptionWords.expiresIn, (value, path) => {
  if (typeof value !== 'string' || !EXPIRES_IN_PATTERN.test(value))
    return [Messages.optionMustBe(path, OptionWords.expiresIn)];
  try {
    parseExpiresIn(value, undefined, path);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
});
