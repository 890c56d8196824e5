// The apns2 npm package dials port 443 of its host: use --apple-hosts and
// the /etc/hosts lines it prints, and NODE_EXTRA_CA_CERTS=<ca.pem>.
const fs = require('fs');
const os = require('os');
const { ApnsClient, Notification, Host } = require('apns2');
const info = JSON.parse(fs.readFileSync(process.env.PUSHSIM_JSON || os.homedir() + '/.config/pushsim/pushsim.json', 'utf8'));
const device = info.devices.find(d => d.name === 'ios17');

const client = new ApnsClient({
  team: info.team_id,
  keyId: info.key_id,
  signingKey: fs.readFileSync(info.key_file),
  defaultTopic: 'com.pushsim.demo',
  host: Host.development,              // api.sandbox.push.apple.com, as in production code
});
client.send(new Notification(device.apps[0].token, { alert: 'From the apns2 package' }))
  .then(() => { console.log('sent'); client.close(); })
  .catch(err => { console.error(err.reason || err); process.exit(1); });
