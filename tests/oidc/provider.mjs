// A real OpenID provider (npm's oidc-provider) for the test suite, on 127.0.0.1 at a free port.
//
// Usage: node tests/oidc/provider.mjs CONFIG.json
// CONFIG: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//          "accounts": {"<sub>": {"password": "...", "claims": {"preferred_username", "name", "email", "groups",
//                                                                "dk:gov:saml:attribute:CprNumberIdentifier"}}}}
// Prints one line "READY <issuer>" on stdout once it listens.
//
// Clients are "native": on loopback any port matches a registered redirect URI (RFC 8252), so the
// tests' servers on free ports need no registration of their own. The login page is a plain form
// (username, password) checked against the accounts; consent is granted for the scopes asked (a
// municipality consents for its own staff application). PUT /test/accounts/<sub> with JSON
// {"claims": {...}} changes an account's claims between logins, as an administrator at the
// identity provider would.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    application_type: 'native', grant_types: ['authorization_code'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic', ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ['samspil-test-provider-cookie-key'] },
  scopes: ['openid', 'profile', 'email', 'groups', 'mitid'],
  // mitid: the CPR number as a MitID broker names it (the young person's login to Min Plan)
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'],
    mitid: ['dk:gov:saml:attribute:CprNumberIdentifier'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Log out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => { ctx.body = page('Signed out', '<p>Signed out.</p>'); },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => { ctx.type = 'html'; ctx.body = page('Error', `<pre>${escape(JSON.stringify(out))}</pre>`); },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub].claims }) };
  },
});

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function loginForm(uid, error = '') {
  return page('Sign in', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>Username <input name="login" autocomplete="username"></label>
  <label>Password <input name="password" type="password"></label>
  <button type="submit">Sign in</button>
</form>`);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const sub = Object.keys(accounts).find((id) => accounts[id].claims.preferred_username === form.get('login'));
      if (sub && accounts[sub].password === form.get('password')) {
        return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(loginForm(uid, 'Wrong username or password.'));
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(loginForm(uid));
  }
  // consent: grant what the client asked for
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function changeAccount(req, res, sub) {
  if (!accounts[sub]) { res.writeHead(404); return res.end(); }
  accounts[sub].claims = JSON.parse(await readBody(req)).claims;
  res.writeHead(204);
  return res.end();
}

const oidc = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  let handled;
  if (url.pathname.startsWith('/interaction/')) handled = interaction(req, res);
  else if (req.method === 'PUT' && url.pathname.startsWith('/test/accounts/')) {
    handled = changeAccount(req, res, decodeURIComponent(url.pathname.slice('/test/accounts/'.length)));
  } else return oidc(req, res);
  return handled.catch((error) => {
    res.writeHead(400, { 'content-type': 'text/html' });
    res.end(page('Error', `<pre>${escape(error.message)}</pre>`));
  });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
console.log(`READY ${issuer}`);
