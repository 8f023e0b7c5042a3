/**
 * WeChat Work: an access token from `gettoken` (corp id and API secret, cached for two hours)
 * and `message/send` with a text or Markdown message. A non-zero `errcode` fails the delivery;
 * 42001 (token expired) drops the token and sends once more with a fresh one.
 */
import { HttpClientPool } from '../../util/index.js';
import type { HTTPClientSettings } from '../config/index.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { field, str, type Sender } from './common.js';
import { authHeaders, clientSettings, postNotification, secret } from './http.js';
import { notificationData } from './payload.js';

/** How long a WeChat access token is used before fetching a new one. */
const TOKEN_TTL_MS = 2 * 3_600_000;

const tokens = new Map<string, { token: string; atMs: number }>();

/** Forgets every cached WeChat access token (tests). */
export function clearWechatTokens(): void {
  tokens.clear();
}

/**
 * GETs a JSON API URL with the `<http_config>` settings and returns the body. 2xx succeeds;
 * 5xx and 429 fail retryably, other statuses for good. Uses a short-lived connection.
 */
export async function getJSON(
  url: string,
  httpConfig: HTTPClientSettings | undefined,
  signal: AbortSignal,
  what: string,
): Promise<string> {
  const pool = new HttpClientPool();
  let status: number;
  let text: string;
  try {
    const res = await pool.send(
      {
        url,
        method: 'GET',
        body: '',
        headers: {
          accept: 'application/json',
          'user-agent': 'Kansoku',
          ...(await authHeaders(httpConfig)),
        },
        signal,
      },
      clientSettings(httpConfig),
    );
    status = res.status;
    text = res.body;
  } catch (e) {
    const bad = e instanceof TypeError || (e instanceof Error && e.name === 'TypeError');
    throw new NotifyError(`cannot ${what}: ${bad ? 'invalid URL' : (e as Error).message}`, !bad, {
      cause: e,
    });
  } finally {
    pool.close();
  }
  if (status >= 200 && status < 300) return text;
  throw new NotifyError(
    `cannot ${what}: unexpected status code ${status}: ${text.slice(0, 1024)}`,
    status >= 500 || status === 429,
  );
}

function parse(text: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new NotifyError(`cannot ${what}: the answer is not a JSON object`, true);
}

function apiURL(base: string, path: string, params: Record<string, string>): string {
  const u = new URL(base);
  u.pathname += path;
  for (const k of Object.keys(params).sort()) u.searchParams.set(k, params[k] ?? '');
  return u.toString();
}

/** WeChat Work message delivery. */
export const wechat: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const base = str(cfg.settings['api_url']);
  const corpId = env.templates.render(str(cfg.settings['corp_id']), data);
  const apiSecret = env.templates.render(
    await secret(cfg.settings['api_secret'], cfg.settings['api_secret_file']),
    data,
  );
  const cacheKey = `${base}\u0000${corpId}\u0000${apiSecret}`;

  const token = async (): Promise<string> => {
    const cached = tokens.get(cacheKey);
    if (cached !== undefined && Date.now() - cached.atMs <= TOKEN_TTL_MS) return cached.token;
    const what = 'fetch WeChat access token';
    const url = apiURL(base, 'gettoken', { corpid: corpId, corpsecret: apiSecret });
    const got = parse(await getJSON(url, cfg.httpConfig, ctx.signal, what), what);
    const t = str(got['access_token']);
    if (t === '')
      throw new NotifyError(`cannot ${what}: invalid api_secret for corp_id ${corpId}`, false);
    tokens.set(cacheKey, { token: t, atMs: Date.now() });
    return t;
  };

  const type = str(cfg.settings['message_type']) || 'text';
  const content = { content: f('message', '{{ template "wechat.default.message" . }}') };
  const msg: Record<string, unknown> = { text: type === 'markdown' ? { content: '' } : content };
  const targets: [string, string][] = [
    ['touser', f('to_user', '{{ template "wechat.default.to_user" . }}')],
    ['toparty', f('to_party', '{{ template "wechat.default.to_party" . }}')],
    ['totag', f('to_tag', '{{ template "wechat.default.to_tag" . }}')],
    ['agentid', f('agent_id', '{{ template "wechat.default.agent_id" . }}')],
  ];
  for (const [k, v] of targets) if (v !== '') msg[k] = v;
  msg['safe'] = '0';
  msg['msgtype'] = type;
  msg['markdown'] = type === 'markdown' ? content : { content: '' };
  const body = JSON.stringify(msg);

  for (let attempt = 0; ; attempt++) {
    const t = await token();
    const text = await postNotification({
      url: apiURL(base, 'message/send', { access_token: t }),
      body,
      httpConfig: cfg.httpConfig,
      signal: ctx.signal,
    });
    const what = 'send WeChat message';
    const res = parse(text, what);
    const code = typeof res['errcode'] === 'number' ? res['errcode'] : 0;
    if (code === 0) return;
    const reason = `errcode ${code}: ${str(res['errmsg'])}`;
    if (code !== 42001) throw new NotifyError(`cannot ${what}: ${reason}`, false);
    // The token expired before its time: fetch a new one and try once more.
    tokens.delete(cacheKey);
    if (attempt > 0) throw new NotifyError(`cannot ${what}: ${reason}`, true);
  }
};
