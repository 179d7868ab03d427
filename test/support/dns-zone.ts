import dns2, { Packet, type Resource } from 'dns2';

/** RFC 1035 §4.1.1 response codes (dns2 3.0's types do not declare Packet.RCODE). */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

/** A name's TXT records (each a list of strings, as DNS splits long ones), or a failure to answer with. */
export type ZoneEntry = readonly (readonly string[])[] | 'SERVFAIL';

/** A name's addresses and mail servers (MX host names), for SPF's `a`, `mx` and `exists`. */
export interface HostEntry {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  readonly MX?: readonly string[];
}

export interface TxtZone {
  /** `127.0.0.1:<port>`, for a resolver's setServers. */
  readonly address: string;
  /** Every TXT name asked, lower case, in order. */
  readonly asked: string[];
  /** Every A, AAAA and MX question, as `A name`, in order. */
  readonly askedHosts: string[];
  close(): Promise<void>;
}

const HOST_TYPES = { A: Packet.TYPE.A, AAAA: Packet.TYPE.AAAA, MX: Packet.TYPE.MX } as const;

/** The answer records of a host question, as dns2 encodes them. */
function hostAnswers(name: string, type: number, entry: HostEntry | undefined): Resource[] {
  const base = { name, class: Packet.CLASS.IN, ttl: 60, type };
  if (type === Packet.TYPE.A) return (entry?.A ?? []).map((address) => ({ ...base, address }) as Resource);
  if (type === Packet.TYPE.AAAA)
    return (entry?.AAAA ?? []).map((address) => ({ ...base, address }) as Resource);
  return (entry?.MX ?? []).map((exchange, i) => ({ ...base, exchange, priority: 10 * (i + 1) }) as Resource);
}

/**
 * A real DNS server over UDP on 127.0.0.1 (dns2) serving TXT records, and A, AAAA and MX records of
 * `hosts`: names neither holds are NXDOMAIN, names with records of other types only are answered
 * NOERROR without records.
 */
export async function startTxtZone(
  zone: Readonly<Record<string, ZoneEntry>>,
  otherTypesOnly: readonly string[] = [],
  hosts: Readonly<Record<string, HostEntry>> = {},
): Promise<TxtZone> {
  const asked: string[] = [];
  const askedHosts: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (!question) return;
      const name = question.name.toLowerCase();
      if (question.type === Packet.TYPE.TXT) asked.push(name);
      const hostType = Object.entries(HOST_TYPES).find(([, code]) => code === question.type)?.[0];
      if (hostType) askedHosts.push(`${hostType} ${name}`);
      const entry = zone[name];
      if (entry === 'SERVFAIL') response.header.rcode = RCODE.SERVFAIL;
      else if (entry === undefined && hosts[name] === undefined && !otherTypesOnly.includes(name))
        response.header.rcode = RCODE.NXDOMAIN;
      else if (hostType) response.answers.push(...hostAnswers(name, question.type, hosts[name]));
      else if (question.type === Packet.TYPE.TXT)
        for (const data of entry ?? [])
          response.answers.push({
            name,
            class: Packet.CLASS.IN,
            ttl: 60,
            type: Packet.TYPE.TXT,
            data: [...data],
          } as Resource);
      void send(response);
    },
  });
  const listening = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { address: `127.0.0.1:${listening.udp?.port}`, asked, askedHosts, close: () => server.close() };
}
