import { generate } from 'selfsigned';

const DAY = 86_400_000;

/**
 * A self-signed certificate for `name` (and 127.0.0.1), valid from `fromDays` until `days` from
 * now (negative: already expired). EC keys: quick to make in every test.
 */
export async function selfSigned(
  name: string,
  days: number,
  fromDays = -1,
): Promise<{ key: string; cert: string; notAfter: Date }> {
  const now = Date.now();
  const notAfter = new Date(now + days * DAY);
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now + fromDays * DAY),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: name },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, notAfter };
}

export { DAY };
