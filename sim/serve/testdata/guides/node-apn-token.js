// @parse/node-apn, token auth: unchanged but for the address, port and CA.
const fs = require('fs');
const os = require('os');
const apn = require('@parse/node-apn');
const info = JSON.parse(fs.readFileSync(process.env.PUSHSIM_JSON || os.homedir() + '/.config/pushsim/pushsim.json', 'utf8'));
const device = info.devices.find(d => d.name === 'ios17');
const url = new URL(info.apns_url);

const provider = new apn.Provider({
  token: { key: info.key_file, keyId: info.key_id, teamId: info.team_id },
  production: false,
  address: url.hostname,               // instead of api.sandbox.push.apple.com
  port: Number(url.port),
  ca: [fs.readFileSync(info.ca_file)], // trust pushsim's CA
});
const note = new apn.Notification();
note.alert = { title: 'Card charged', body: 'Was it you?' };
note.aps.category = 'fraud_alert';
note.topic = 'com.pushsim.demo';
provider.send(note, device.apps[0].token).then(r => {
  console.log(JSON.stringify({ sent: r.sent.length, failed: r.failed }));
  provider.shutdown();
});
