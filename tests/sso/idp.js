// A real OpenID Connect provider (the certified npm package `oidc-provider`) on 127.0.0.1,
// for the single sign-on tests and `make sso-demo`.
//
//   node tests/sso/idp.js CONFIG.json
//
// CONFIG: { "port", "issuer", "clients": [...], "accounts": { id: { claims…, "amr": [...] } },
//           "clockOffsetMs" (the tests' moved clock), "keys" (a JWKS with private keys) }
// The login page lists the accounts: pick one, no password (a test and demo provider only).
// Prints "ready <issuer>" once it listens.
import { readFileSync } from 'node:fs';
import { parse } from 'node:querystring';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (config.clockOffsetMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + config.clockOffsetMs;
}
const accounts = config.accounts || {};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.keys,
  cookies: { keys: ['samverkan-test-idp-cookie-key'] },
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    iss: null,
    openid: ['sub', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // the provider's own page, without the default's web fonts from the internet
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>Logga ut</title><link rel="icon" href="data:,"></head><body><main>
<h1>Vill du logga ut hos testleverantören?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
<button type="submit" form="op.logoutForm">Nej</button></main></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const { amr, acr, ...claims } = account;
        return { sub: id, ...claims };
      },
    };
  },
  ttl: { Session: 3600, Interaction: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
});
provider.proxy = false;

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return parse(body);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    const options = Object.keys(accounts)
      .map((id) => `<li><button name="account" value="${escape(id)}">${escape(id)}</button></li>`)
      .join('');
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Testleverantör</title></head>
<body><main><h1>Testleverantörens inloggning</h1>
<form method="post" action="/interaction/${escape(details.uid)}/login"><ul>${options}</ul></form></main></body></html>`;
    return undefined;
  }
  const { account } = await readBody(ctx.req);
  if (!accounts[account]) {
    ctx.status = 400;
    ctx.body = 'unknown account';
    return undefined;
  }
  const { amr, acr } = accounts[account];
  const grant = new provider.Grant({ accountId: account, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = {
    login: { accountId: account, ...(amr ? { amr } : {}), ...(acr ? { acr } : {}) },
    consent: { grantId },
  };
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
  return undefined;
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`ready ${config.issuer}`);
});
