import { DEFAULT_INSTANCE_NAME } from '../perform-chat.constants';
import { Messages, OptionWords } from '../perform-chat.messages';
import { text } from './option-rules';

export { DEFAULT_INSTANCE_NAME };

/** A name becomes one segment of store keys and health keys: letters, digits, `.`, `_`, `-`. */
const INSTANCE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** The `name` extra of `forRoot`/`forRootAsync`. */
export const INSTANCE_NAME = text(INSTANCE_NAME_PATTERN, OptionWords.instanceName, Messages.instanceNameInvalid);

/** Whether `name` is the unnamed instance's (which keeps the keys and exports it always had). */
export const isDefaultInstance = (name: string): boolean => name === DEFAULT_INSTANCE_NAME;

/**
 * A key prefix of one instance: `prefix` itself for the default instance, `prefix:<name>`
 * for the others, so two instances never count a user's requests in one counter.
 */
export const instancePrefix = (prefix: string, name: string): string =>
  isDefaultInstance(name) ? prefix : `${prefix}:${name}`;
