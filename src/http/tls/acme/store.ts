/**
 * The files of the ACME certificate source under `<storage.tsdb.path>/acme/`: the account key,
 * the certificate chain and its key. Every file is written to a temporary name with mode 0600
 * and renamed into place, so a reader sees the old or the new content, never a part.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** File names inside the ACME directory. */
export const ACME_FILES = {
  accountKey: 'account-key.pem',
  certificate: 'certificate.pem',
  certificateKey: 'certificate-key.pem',
} as const;

/** A stored certificate chain (PEM, leaf first) and its private key (PEM). */
export interface StoredCertificate {
  readonly cert: string;
  readonly key: string;
}

/** Raised when the ACME directory cannot be read or written. */
export class AcmeStoreError extends Error {
  override readonly name = 'AcmeStoreError';
}

/** Reads and writes the ACME files of one directory; the directory is created on first write. */
export class AcmeStore {
  /** `dir` is the ACME directory, normally `<storage.tsdb.path>/acme`. */
  constructor(readonly dir: string) {}

  /** The account key (PEM), or undefined when none is stored yet. */
  readAccountKey(): Promise<string | undefined> {
    return this.readOptional(ACME_FILES.accountKey);
  }

  /** Stores the account key. */
  writeAccountKey(pem: string): Promise<void> {
    return this.writeFile(ACME_FILES.accountKey, pem);
  }

  /** The stored certificate and key, or undefined when either file is missing. */
  async readCertificate(): Promise<StoredCertificate | undefined> {
    const cert = await this.readOptional(ACME_FILES.certificate);
    const key = await this.readOptional(ACME_FILES.certificateKey);
    return cert === undefined || key === undefined ? undefined : { cert, key };
  }

  /**
   * Stores a certificate and its key: the key first, then the chain. A crash between the two
   * leaves a pair that does not match, which the source treats as missing and orders again.
   */
  async writeCertificate(pair: StoredCertificate): Promise<void> {
    await this.writeFile(ACME_FILES.certificateKey, pair.key);
    await this.writeFile(ACME_FILES.certificate, pair.cert);
  }

  private async readOptional(name: string): Promise<string | undefined> {
    const file = path.join(this.dir, name);
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AcmeStoreError(`cannot read ${file}: ${errText(err)}`, { cause: err });
    }
  }

  private async writeFile(name: string, content: string): Promise<void> {
    const file = path.join(this.dir, name);
    const tmp = `${file}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, content, { mode: 0o600 });
      // The mode of writeFile applies only to a new file; a left-over temporary file keeps its own.
      await chmod(tmp, 0o600);
      await rename(tmp, file);
    } catch (err) {
      throw new AcmeStoreError(`cannot write ${file}: ${errText(err)}`, { cause: err });
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
