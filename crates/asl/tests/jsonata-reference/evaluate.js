// Evaluates each case of a JSON file with the reference jsonata package and prints the outcomes as
// one JSON array: {"value": …}, {"undefined": true}, {"function": true} or {"error": {code, message}}.
// Each case is {"expression", "input"?, "context"?, "variables"?}, evaluated as Step Functions does:
// no context item, `$states` = {input, context}, and each variable bound by name.
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');

// JSON has no non-finite numbers; name them, as the Rust side does.
function toJson(value) {
  return JSON.parse(JSON.stringify(value, (key, item) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      return Number.isNaN(item) ? 'NaN' : item > 0 ? 'Infinity' : '-Infinity';
    }
    return item;
  }));
}

async function evaluate(testCase) {
  const bindings = Object.assign({}, testCase.variables || {}, {
    states: { input: testCase.input === undefined ? {} : testCase.input, context: testCase.context || {} },
  });
  try {
    const result = await jsonata(testCase.expression).evaluate(undefined, bindings);
    if (result === undefined) return { undefined: true };
    if (typeof result === 'function') return { function: true };
    return { value: toJson(result) };
  } catch (error) {
    return { error: { code: error.code || null, message: error.message } };
  }
}

(async () => {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const outcomes = [];
  for (const testCase of cases) outcomes.push(await evaluate(testCase));
  process.stdout.write(JSON.stringify(outcomes));
})();
