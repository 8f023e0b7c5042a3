import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signV4 } from './sigv4.js';

// The credentials, date, region and service of AWS's published SigV4 test suite.
const creds = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: '',
};
const date = new Date('2015-08-30T12:36:00Z');
const base = { region: 'us-east-1', service: 'service', date };

describe('AWS Signature Version 4', () => {
  it('get-vanilla', () => {
    const s = signV4(
      {
        ...base,
        method: 'GET',
        url: 'https://example.amazonaws.com/',
        headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
        body: '',
      },
      creds,
    );
    assert.equal(
      s.canonicalRequest,
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(
      s.stringToSign,
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    assert.equal(
      s.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
  it('get-vanilla-query-order-key-case', () => {
    const s = signV4(
      {
        ...base,
        method: 'GET',
        url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
        headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
        body: '',
      },
      creds,
    );
    assert.equal(s.signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });
  it('post-x-www-form-urlencoded', () => {
    const s = signV4(
      {
        ...base,
        method: 'POST',
        url: 'https://example.amazonaws.com/',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Host: 'example.amazonaws.com',
          'X-Amz-Date': '20150830T123600Z',
        },
        body: 'Param1=value1',
      },
      creds,
    );
    assert.equal(
      s.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });
});
