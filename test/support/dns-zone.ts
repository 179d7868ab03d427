import dns2, { Packet, type Resource } from 'dns2';

/** RFC 1035 §4.1.1 response codes (dns2 3.0's types do not declare Packet.RCODE). */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

/** A name's TXT records (each a list of strings, as DNS splits long ones), or a failure to answer with. */
export type ZoneEntry = readonly (readonly string[])[] | 'SERVFAIL';

export interface TxtZone {
  /** `127.0.0.1:<port>`, for a resolver's setServers. */
  readonly address: string;
  /** Every TXT name asked, lower case, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

/**
 * A real DNS server over UDP on 127.0.0.1 (dns2) serving TXT records: names the zone lacks are
 * NXDOMAIN, names with records of other types only are answered NOERROR without records.
 */
export async function startTxtZone(
  zone: Readonly<Record<string, ZoneEntry>>,
  otherTypesOnly: readonly string[] = [],
): Promise<TxtZone> {
  const asked: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (!question) return;
      const name = question.name.toLowerCase();
      if (question.type === Packet.TYPE.TXT) asked.push(name);
      const entry = zone[name];
      if (entry === 'SERVFAIL') response.header.rcode = RCODE.SERVFAIL;
      else if (entry === undefined && !otherTypesOnly.includes(name)) response.header.rcode = RCODE.NXDOMAIN;
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
  return { address: `127.0.0.1:${listening.udp?.port}`, asked, close: () => server.close() };
}
