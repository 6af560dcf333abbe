// Independent runtime check: runs an ONNX policy graph with onnxruntime-node (no .NET code involved).
// Usage: node run-policy.mjs <model.onnx> <input.json>, input {"obs_dim": d, "obs": [n * d floats]}.
// Output: {"action": [...], "mean": [...], "log_std": [...]} (row-major [n, act] each, float32 widened to double).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ort = require('onnxruntime-node')

const [modelPath, inputPath] = process.argv.slice(2)
if (!modelPath || !inputPath) {
  console.error('usage: node run-policy.mjs <model.onnx> <input.json>')
  process.exit(2)
}
const input = JSON.parse(readFileSync(inputPath, 'utf8'))
const d = input.obs_dim
const n = input.obs.length / d
const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] })
const result = await session.run({ obs: new ort.Tensor('float32', Float32Array.from(input.obs), [n, d]) })
console.log(JSON.stringify({
  action: Array.from(result.action.data),
  mean: Array.from(result.mean.data),
  log_std: Array.from(result.log_std.data),
}))
