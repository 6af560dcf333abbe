// Independent cross-check with MQTT.js (no .NET code): watches a robot the way an integrator would,
// answers one state with a command and engages the e-stop.
// Usage: node mqtt-poke.mjs <tests/js dir> <port> <robot id>
// Prints one JSON line: {"spec":{...},"status":[...],"states":[...],"estopStatus":"..."}.
import { createRequire } from 'node:module'
import { join } from 'node:path'

const [jsDir, port, id] = process.argv.slice(2)
const require = createRequire(join(jsDir, 'package.json'))
const mqtt = require('mqtt')

const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: `mqttjs-${process.pid}`, protocolVersion: 4 })
const out = { spec: null, status: [], states: [], commands: [], estopStatus: null }
const fail = (why) => { console.error(why); process.exit(1) }
setTimeout(() => fail('timeout: ' + JSON.stringify(out)), 15000)

client.on('error', (e) => fail(String(e)))
client.on('connect', () => client.subscribe(`robots/${id}/#`, { qos: 1 }))
client.on('message', (topic, payload) => {
  const text = payload.toString('utf8')
  const leaf = topic.slice(`robots/${id}/`.length)
  if (leaf === 'spec') out.spec = JSON.parse(text)
  else if (leaf === 'status') {
    out.status.push(text)
    if (text === 'estop') {
      out.estopStatus = text
      client.end(false, () => { console.log(JSON.stringify(out)); process.exit(0) })
    }
  } else if (leaf === 'command') out.commands.push(JSON.parse(text))
  else if (leaf === 'state') {
    const s = JSON.parse(text)
    out.states.push(s)
    if (out.states.length === 3) {
      client.publish(`robots/${id}/command`, JSON.stringify({ seq: 1, state_seq: s.seq, action: [0.5], ttl_ms: 300, safety: 'ok' }))
    }
    if (out.states.length === 10) {
      client.publish(`robots/${id}/estop`, JSON.stringify({ engage: true, reason: 'mqtt.js' }), { qos: 1, retain: true })
    }
  }
})
