import { Messages, OptionWords } from '../perform-chat.messages';
import { didYouMean } from './did-you-mean';
import { DurationOption, durationBoundProblem } from './perform-chat-options.bounds';
import { parseDurationText } from './duration';

/**
 * The one way options are validated: each option slice is a table of rules (rows), built from
 * the few kinds below, and one walk checks a value against it. A problem names the option's
 * path and what it must be, and shows no text the user gave (it may be a secret in the wrong
 * place): at most a number, a well-formed lifetime, or a URL masked by maskUrl. Unknown keys
 * are problems at every depth, with the closest known name when there is one.
 *
 * The tables: perform-chat-options.validation.ts (the module options, composed of the slices),
 * health.validation.ts, resilience.validation.ts, rate-limit.validation.ts,
 * customer-user-store.validation.ts, redis-source.validation.ts. Rules between options (one
 * bounded by another, Redis needing whole seconds) run after the table, on accepted values.
 */
export interface OptionRule {
  /** The value in words, for its own message and its parent's: `a positive integer`, `false or an object { ... }`. */
  readonly expected: string;
  /** Problems of a value that is set (never `undefined`), each naming `path`. */
  check(value: unknown, path: string): string[];
  /** Checked even when `undefined` (then a required rule's own message says so). */
  readonly required?: boolean;
  /** The forms of a union, for readers of the table (the README, the specs). */
  readonly forms?: readonly OptionRule[];
}

/** A table: the rules of an object's keys, in the order problems are reported. */
export type OptionTable = Readonly<Record<string, OptionRule>>;

export interface ObjectRule extends OptionRule {
  readonly fields: OptionTable;
  /** The problems of an object's keys (the value is known to be an object). */
  checkFields(value: object, path: string): string[];
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key as shown in a path: as is when it reads like a name, else quoted and cut to 40 characters. */
function showKey(key: string): string {
  if (/^[A-Za-z_$][\w$]{0,59}$/.test(key)) return key;
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key);
}

export const pathOf = (path: string, key: string): string => (path ? `${path}.${showKey(key)}` : showKey(key));

/** The same rule, checked when missing too. */
export const required = (rule: OptionRule): OptionRule => ({ ...rule, required: true });

/** Whether a rule accepts a value (an unset value is accepted: defaults apply). For rules between options. */
export const accepts = (rule: OptionRule, value: unknown): boolean =>
  value === undefined || rule.check(value, '').length === 0;

/** A rule of its own: `check` returns the problems of a set value. */
export function custom(expected: string, check: (value: unknown, path: string) => string[]): OptionRule {
  return { expected, check };
}

/** A rule that accepts one value only, such as `'memory'` or `false`. */
export function literal(accepted: string | boolean): OptionRule {
  const expected = typeof accepted === 'string' ? `'${accepted}'` : String(accepted);
  return custom(expected, (value, path) => (value === accepted ? [] : [Messages.optionMustBe(path, expected)]));
}

/** A rule from a test and the words of what passes it (the problem: `<path> must be <expected>`, or `problem`). */
export function satisfying(
  expected: string,
  passes: (value: unknown) => boolean,
  problem: (path: string) => string = (path) => Messages.optionMustBe(path, expected),
): OptionRule {
  return custom(expected, (value, path) => (passes(value) ? [] : [problem(path)]));
}

export const flag = (): OptionRule => satisfying(OptionWords.flag, (value) => typeof value === 'boolean');

export const fn = (): OptionRule => satisfying(OptionWords.fn, (value) => typeof value === 'function');

/** A string matching `pattern`; `expected` says what that means. */
export const text = (pattern: RegExp, expected: string, problem?: (path: string) => string): OptionRule =>
  satisfying(expected, (value) => typeof value === 'string' && pattern.test(value), problem);

interface NumberRow {
  /** The least value accepted (itself refused with `aboveMin`). */
  min: number;
  /** The greatest value accepted, said in the message (`from 0 to 600000`). */
  max?: number;
  /** `milliseconds`, `seconds`, `bytes`, ...; said in the message. */
  unit?: string;
  /** The option's row of DURATION_BOUNDS: above it, the bound's own message. */
  bound?: DurationOption;
}

function bounded(expected: string, passes: (value: number) => boolean, bound?: DurationOption): OptionRule {
  return custom(expected, (value, path) => {
    if (typeof value !== 'number' || !passes(value)) return [Messages.optionMustBe(path, expected)];
    const tooLong = bound === undefined ? undefined : durationBoundProblem(bound, value, path);
    return tooLong === undefined ? [] : [tooLong];
  });
}

/** A whole number from `min` (to `max`), under its duration bound if it has one. */
export function wholeNumber({ min, max, unit, bound }: NumberRow): OptionRule {
  return bounded(
    Messages.optionWholeNumber(min, max, unit),
    (value) => Number.isInteger(value) && value >= min && (max === undefined || value <= max),
    bound,
  );
}

/** A finite number, fractions allowed (`0.5` seconds), above or from `min`, under its duration bound. */
export function fractionalNumber({
  min,
  unit,
  bound,
  aboveMin = false,
}: NumberRow & { unit: string; aboveMin?: boolean }): OptionRule {
  return bounded(
    Messages.optionFractionalNumber(min, aboveMin, unit),
    (value) => Number.isFinite(value) && (aboveMin ? value > min : value >= min),
    bound,
  );
}

/**
 * A duration in seconds: a finite number above or from `min` (fractions allowed), or a string
 * with its unit, `<n>s|m|h|d` (PerformChatDuration), judged against the bound in seconds.
 */
export function duration({
  min,
  bound,
  aboveMin = false,
}: {
  min: number;
  bound: DurationOption;
  aboveMin?: boolean;
}): OptionRule {
  const expected = Messages.optionDuration(min, aboveMin);
  return custom(expected, (value, path) => {
    const seconds =
      typeof value === 'string'
        ? parseDurationText(value)
        : typeof value === 'number' && Number.isFinite(value) && (aboveMin ? value > min : value >= min)
          ? value
          : undefined;
    if (seconds === undefined) return [Messages.optionMustBe(path, expected)];
    const tooLong = durationBoundProblem(bound, seconds, path);
    return tooLong === undefined ? [] : [tooLong];
  });
}

/** The rule's value, or a function that returns it per request (checked when it answers). */
export const resolvable = (rule: OptionRule): OptionRule =>
  union([
    [(value) => typeof value === 'function', fn()],
    [() => true, rule],
  ]);

/** An array of items each checked by `item` (paths `field[0]`, `field[1]`...), never empty. */
export function nonEmptyArrayOf(item: OptionRule, expected: string): OptionRule {
  return custom(expected, (value, path) => {
    if (!Array.isArray(value) || value.length === 0) return [Messages.optionMustBe(path, expected)];
    return value.flatMap((entry, index) => item.check(entry, `${path}[${index}]`));
  });
}

/** Unknown keys of an object: each with the closest known name, else the list of known ones. */
function unknownKeyProblems(value: object, known: readonly string[], path: string): string[] {
  const names = new Set(known);
  return Object.keys(value)
    .filter((key) => !names.has(key))
    .map((key) => Messages.optionUnknown(pathOf(path, key), didYouMean(key, known), known));
}

/**
 * An object whose keys are the table's: each set key checked by its rule (a required one even
 * when missing), every other key an unknown option.
 */
export function object(fields: OptionTable, expected?: string): ObjectRule {
  const names = Object.keys(fields);
  const rule: ObjectRule = {
    fields,
    expected: expected ?? Messages.optionObject(names.map((name) => (fields[name].required ? name : `${name}?`))),
    check: (value, path) =>
      isPlainObject(value) ? rule.checkFields(value, path) : [Messages.optionMustBe(path, rule.expected)],
    checkFields(value, path) {
      const problems = names.flatMap((name) => {
        const field = (value as Record<string, unknown>)[name];
        return field === undefined && !fields[name].required ? [] : fields[name].check(field, pathOf(path, name));
      });
      return [...problems, ...unknownKeyProblems(value, names, path)];
    },
  };
  return rule;
}

/** One alternative of a union: the rule that checks a value `when` it looks like this alternative. */
export type Alternative = readonly [when: (value: unknown) => boolean, rule: OptionRule];

/**
 * One of several forms, told apart by `when` (first match checks the value). A plain object
 * that matches none is judged against every object form at once, so a typo still gets the
 * closest name of any of them (`{ redsi: url }` → `did you mean redis?`).
 */
export function union(alternatives: readonly Alternative[]): OptionRule {
  const words = Messages.optionEither(alternatives.map(([, rule]) => rule.expected).filter(Boolean));
  const objectNames = alternatives.flatMap(([, rule]) => Object.keys((rule as Partial<ObjectRule>).fields ?? {}));
  const check = (value: unknown, path: string): string[] => {
    const match = alternatives.find(([when]) => when(value));
    if (match) return match[1].check(value, path);
    const unknown = isPlainObject(value) ? unknownKeyProblems(value, [...new Set(objectNames)], path) : [];
    return unknown.length > 0 ? unknown : [Messages.optionMustBe(path, words)];
  };
  return { expected: words, check, forms: alternatives.map(([, rule]) => rule) };
}

/** `false` (the feature off) or the object of its settings. */
export const falseOr = (settings: ObjectRule): OptionRule =>
  union([
    [(value) => value === false, literal(false)],
    [isPlainObject, settings],
  ]);

/** An object form told apart by one of its keys (`{ redis, ... }`). */
export const withKey = (key: string, form: ObjectRule): Alternative => [
  (value) => isPlainObject(value) && key in value,
  form,
];

/**
 * The problems of a whole options value against its table, paths starting at `root` (`''` for
 * the module options, `PerformChatRateLimit` for a decorator's). A value that is not an object
 * is one problem: "the options must be ...".
 */
export function checkOptions(table: ObjectRule, value: unknown, root = ''): string[] {
  if (!isPlainObject(value)) return [Messages.optionsNotObject(table.expected)];
  return table.checkFields(value, root);
}
