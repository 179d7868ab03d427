import type {
  AlertChannel,
  ChatChannel,
  MatrixChannel,
  NtfyChannel,
  WebhookChannel,
} from '../../config/alert-resolve.js';
import {
  discordBody,
  matrixBody,
  ntfyRequest,
  slackBody,
  webhookBody,
  webhookSignature,
} from '../formats.js';
import type { AlertMessage } from '../message.js';
import { sendHttp } from './http.js';
import { revealer } from './reveal.js';
import { smtpSender } from './smtp.js';
import type { SendContext, Sender } from './types.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };

function webhookSender(channel: WebhookChannel): Sender {
  const secrets = revealer();
  return {
    secrets: secrets.known,
    send: async (m, ctx) => {
      const body = JSON.stringify(webhookBody(m, ctx.delivery));
      const headers: Record<string, string> = {
        ...JSON_TYPE,
        'X-Berth-Delivery': String(ctx.delivery),
        'X-Berth-Event': m.kind,
      };
      if (channel.secret !== undefined) {
        const timestamp = Math.floor(ctx.now.getTime() / 1000);
        headers['X-Berth-Timestamp'] = String(timestamp);
        headers['X-Berth-Signature'] = webhookSignature(
          secrets.reveal(channel.secret, 'webhook secret'),
          timestamp,
          body,
        );
      }
      const url = secrets.reveal(channel.url, 'webhook URL');
      return sendHttp({ method: 'POST', url, headers, body }, ctx.signal, ctx.now.getTime());
    },
  };
}

function chatSender(channel: ChatChannel): Sender {
  const secrets = revealer();
  const format = channel.type === 'slack' ? slackBody : discordBody;
  return {
    secrets: secrets.known,
    send: async (m, ctx) =>
      sendHttp(
        {
          method: 'POST',
          url: secrets.reveal(channel.url, `${channel.type} webhook URL`),
          headers: JSON_TYPE,
          body: JSON.stringify(format(m)),
        },
        ctx.signal,
        ctx.now.getTime(),
      ),
  };
}

function ntfySender(channel: NtfyChannel): Sender {
  const secrets = revealer();
  return {
    secrets: secrets.known,
    send: async (m, ctx) => {
      const { headers, body } = ntfyRequest(m);
      const auth: Record<string, string> =
        channel.token === undefined
          ? {}
          : { Authorization: `Bearer ${secrets.reveal(channel.token, 'ntfy token')}` };
      return sendHttp(
        {
          method: 'POST',
          url: `${channel.url}/${encodeURIComponent(channel.topic)}`,
          headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers, ...auth },
          body,
        },
        ctx.signal,
        ctx.now.getTime(),
      );
    },
  };
}

/**
 * The transaction id makes a retry of one delivery idempotent on the homeserver; the message's
 * time keeps ids unique when a new state file starts delivery ids at 1 again.
 */
export const matrixTxnId = (m: AlertMessage, ctx: Pick<SendContext, 'delivery'>) =>
  `berth-${ctx.delivery}-${Date.parse(m.at)}`;

function matrixSender(channel: MatrixChannel): Sender {
  const secrets = revealer();
  return {
    secrets: secrets.known,
    send: async (m, ctx) =>
      sendHttp(
        {
          method: 'PUT',
          url: `${channel.homeserver}/_matrix/client/v3/rooms/${encodeURIComponent(channel.room)}/send/m.room.message/${matrixTxnId(m, ctx)}`,
          headers: {
            ...JSON_TYPE,
            Authorization: `Bearer ${secrets.reveal(channel.accessToken, 'Matrix access token')}`,
          },
          body: JSON.stringify(matrixBody(m)),
        },
        ctx.signal,
        ctx.now.getTime(),
      ),
  };
}

/** The sender of a configured channel. */
export function senderFor(channel: AlertChannel): Sender {
  switch (channel.type) {
    case 'webhook':
      return webhookSender(channel);
    case 'slack':
    case 'discord':
      return chatSender(channel);
    case 'smtp':
      return smtpSender(channel);
    case 'ntfy':
      return ntfySender(channel);
    case 'matrix':
      return matrixSender(channel);
  }
}
