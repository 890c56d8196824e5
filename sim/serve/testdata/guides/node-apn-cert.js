// @parse/node-apn, certificate auth: the development client certificate.
const fs = require('fs');
const os = require('os');
const apn = require('@parse/node-apn');
const info = JSON.parse(fs.readFileSync(process.env.PUSHSIM_JSON || os.homedir() + '/.config/pushsim/pushsim.json', 'utf8'));
const device = info.devices.find(d => d.name === 'ios17');
const url = new URL(info.apns_url);
const cert = info.client_certificates.development;

const provider = new apn.Provider({
  cert: cert.cert_file,                // or pfx: cert.p12_file, passphrase: info.p12_password
  key: cert.key_file,
  production: false,
  address: url.hostname,
  port: Number(url.port),
  ca: [fs.readFileSync(info.ca_file)],
});
const note = new apn.Notification();
note.alert = { title: 'Lunch poll', body: 'Pizza today?' };
note.aps.category = 'poll';
note.topic = 'com.pushsim.demo';
provider.send(note, device.apps[0].token).then(r => {
  console.log(JSON.stringify({ sent: r.sent.length, failed: r.failed }));
  provider.shutdown();
});
