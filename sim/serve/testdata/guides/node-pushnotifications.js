// node-pushnotifications: its apn settings go to @parse/node-apn as they are.
const fs = require('fs');
const os = require('os');
const PushNotifications = require('node-pushnotifications');
const info = JSON.parse(fs.readFileSync(process.env.PUSHSIM_JSON || os.homedir() + '/.config/pushsim/pushsim.json', 'utf8'));
const device = info.devices.find(d => d.name === 'ios17');
const url = new URL(info.apns_url);

const push = new PushNotifications({
  apn: {
    token: { key: info.key_file, keyId: info.key_id, teamId: info.team_id },
    production: false,
    address: url.hostname,
    port: Number(url.port),
    ca: [fs.readFileSync(info.ca_file)],
  },
  isAlwaysUseFCM: false,
});
push.send([device.apps[0].token], {
  title: 'Parcel 42', body: 'Arrives today', topic: 'com.pushsim.demo', category: 'delivery_reschedule',
}).then(results => {
  console.log(JSON.stringify(results.map(r => ({ method: r.method, success: r.success, failure: r.failure }))));
  push.apn && push.apn.shutdown && push.apn.shutdown();
  process.exit(0);
});
