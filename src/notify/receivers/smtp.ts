import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { NotifyError } from '../pipeline/pipeline.js';

/** Settings of one SMTP delivery. */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  readonly hello: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The complete message (headers and body) with CRLF line ends. */
  readonly message: string;
  readonly username: string;
  readonly password: string;
  readonly identity: string;
  /** Refuse to send unless the connection is encrypted (STARTTLS or implicit TLS). */
  readonly requireTLS: boolean;
  /** Start with TLS instead of STARTTLS (port 465). */
  readonly implicitTLS: boolean;
  readonly insecureSkipVerify: boolean;
  readonly signal: AbortSignal;
}

interface Reply {
  code: number;
  lines: string[];
}

/** A minimal SMTP client conversation: one command at a time, multi-line replies. */
class Conversation {
  private buf = '';
  private waiting: ((r: Reply | Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(private sock: Socket | TLSSocket) {
    this.attach(sock);
  }

  private attach(sock: Socket | TLSSocket): void {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.deliver();
    });
    sock.on('error', (e: Error) => {
      this.fail(e);
    });
    sock.on('close', () => {
      this.fail(new Error('connection closed by the SMTP server'));
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.(e);
  }

  private deliver(): void {
    if (this.waiting === undefined) return;
    const lines: string[] = [];
    let rest = this.buf;
    for (;;) {
      const i = rest.indexOf('\r\n');
      if (i < 0) return;
      const line = rest.slice(0, i);
      rest = rest.slice(i + 2);
      lines.push(line.slice(4));
      if (line[3] !== '-') {
        this.buf = rest;
        const w = this.waiting;
        this.waiting = undefined;
        w({ code: Number(line.slice(0, 3)), lines });
        return;
      }
    }
  }

  read(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = (r) => {
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      this.deliver();
    });
  }

  async cmd(line: string, expect: number, what = line.split(' ')[0] ?? line): Promise<Reply> {
    this.sock.write(`${line}\r\n`);
    const r = await this.read();
    if (r.code !== expect) {
      throw new NotifyError(
        `cannot send email: ${what}: ${r.code} ${r.lines.join(' ')}`,
        r.code >= 400 && r.code < 500,
      );
    }
    return r;
  }

  /** Switches the connection to TLS (after STARTTLS). */
  async upgrade(host: string, insecure: boolean): Promise<void> {
    this.sock.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
    const tls = tlsConnect({ socket: this.sock, servername: host, rejectUnauthorized: !insecure });
    await new Promise<void>((resolve, reject) => {
      tls.once('secureConnect', resolve);
      tls.once('error', reject);
    });
    this.sock = tls;
    this.buf = '';
    this.attach(tls);
  }

  close(): void {
    this.sock.destroy();
  }
}

function connect(o: SmtpOptions): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const sock = o.implicitTLS
      ? tlsConnect({
          host: o.host,
          port: o.port,
          servername: o.host,
          rejectUnauthorized: !o.insecureSkipVerify,
        })
      : netConnect({ host: o.host, port: o.port });
    sock.once(o.implicitTLS ? 'secureConnect' : 'connect', () => {
      resolve(sock);
    });
    sock.once('error', (e: Error) => {
      reject(
        new NotifyError(`cannot send email: connect ${o.host}:${o.port}: ${e.message}`, true, {
          cause: e,
        }),
      );
    });
  });
}

function extensions(r: Reply): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of r.lines.slice(1)) {
    const [k = '', ...rest] = l.split(' ');
    m.set(k.toUpperCase(), rest.join(' ').toUpperCase());
  }
  return m;
}

/** Sends one message over SMTP with STARTTLS and PLAIN/LOGIN authentication. */
export async function sendMail(o: SmtpOptions): Promise<void> {
  const sock = await connect(o);
  const c = new Conversation(sock);
  const onAbort = (): void => {
    c.close();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const greet = await c.read();
    if (greet.code !== 220)
      throw new NotifyError(
        `cannot send email: greeting: ${greet.code} ${greet.lines.join(' ')}`,
        true,
      );
    let ext = extensions(await c.cmd(`EHLO ${o.hello}`, 250));
    let secure = o.implicitTLS;
    if (!secure && ext.has('STARTTLS')) {
      await c.cmd('STARTTLS', 220);
      await c.upgrade(o.host, o.insecureSkipVerify);
      secure = true;
      ext = extensions(await c.cmd(`EHLO ${o.hello}`, 250));
    }
    if (!secure && o.requireTLS) {
      throw new NotifyError(
        `cannot send email: require_tls is true, but ${o.host}:${o.port} does not advertise the STARTTLS extension`,
        false,
      );
    }
    if (o.username !== '') {
      const mechs = ext.get('AUTH') ?? '';
      if (mechs.includes('PLAIN')) {
        const token = Buffer.from(`${o.identity}\u0000${o.username}\u0000${o.password}`).toString(
          'base64',
        );
        await c.cmd(`AUTH PLAIN ${token}`, 235, 'AUTH');
      } else if (mechs.includes('LOGIN')) {
        await c.cmd('AUTH LOGIN', 334, 'AUTH');
        await c.cmd(Buffer.from(o.username).toString('base64'), 334, 'AUTH');
        await c.cmd(Buffer.from(o.password).toString('base64'), 235, 'AUTH');
      } else {
        throw new NotifyError(
          'cannot send email: the server offers no supported AUTH mechanism (PLAIN, LOGIN)',
          false,
        );
      }
    }
    await c.cmd(`MAIL FROM:<${o.from}>`, 250, 'MAIL');
    for (const to of o.to) await c.cmd(`RCPT TO:<${to}>`, 250, 'RCPT');
    await c.cmd('DATA', 354);
    const body = o.message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    await c.cmd(`${body}\r\n.`, 250, 'DATA');
    await c.cmd('QUIT', 221).catch(() => undefined);
  } catch (e) {
    if (e instanceof NotifyError) throw e;
    throw new NotifyError(`cannot send email: ${(e as Error).message}`, true, { cause: e });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    c.close();
  }
}
