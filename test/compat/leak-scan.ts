import type { RecordedAnswer } from './app-client';

/** Anything shaped like a JWT (three base64url parts, the first a JSON object). */
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

export interface LeakScanInput {
  /** Everything the app printed (stdout and stderr). */
  appOutput: string;
  answers: RecordedAnswer[];
  /** The API secret the app was configured with. */
  secret: string;
  /** Every token the app handed out in a token answer. */
  issuedTokens: Iterable<string>;
}

/**
 * Where the secret or a token shows up where it must not: the secret anywhere in the app's
 * output or answers (bodies and headers); a token (an issued one, or anything JWT-shaped, which
 * also covers tokens the emulator issued on attempts the app then gave up on) anywhere but in
 * the body of the token answer that carried it. Returns one line per finding, empty when clean.
 */
export function findLeaks({ appOutput, answers, secret, issuedTokens }: LeakScanInput): string[] {
  const tokens = [...issuedTokens];
  const findings: string[] = [];
  const look = (where: string, text: string, allowedToken?: string) => {
    if (text.includes(secret)) findings.push(`the API secret in ${where}`);
    const rest = allowedToken ? text.split(allowedToken).join('') : text;
    if (tokens.some((token) => rest.includes(token))) findings.push(`an issued token in ${where}`);
    else if (JWT.test(rest)) findings.push(`a JWT-shaped string in ${where}`);
  };
  look("the app's output", appOutput);
  for (const answer of answers) {
    const headers = Object.entries(answer.headers)
      .map(([name, value]) => `${name}: ${[value].flat().join(', ')}`)
      .join('\n');
    look(`the headers of the ${answer.status} answer to ${answer.request}`, headers);
    const ownToken =
      answer.tokenAnswer && typeof answer.json?.token === 'string' ? (answer.json.token as string) : undefined;
    look(`the body of the ${answer.status} answer to ${answer.request}`, answer.text, ownToken);
  }
  return findings;
}
