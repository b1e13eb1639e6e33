// oracle.js evaluates FHIRPath invariants with fhirpath.js, the reference
// JavaScript implementation, and compares each result with the one the
// compiled Go code reported. It is driven by the Go package fporacle over
// stdin/stdout, one JSON document per line:
//
//   in:  {"specs":[{"key","expression","types","elements"}], "model":{...}}
//        (first line; model adds what fhirpath.js's model lacks, and lists
//        the resource types the Go code has)
//   in:  {"name","resource","evals":[[location,key,result],...]}
//   out: {"evaluated":n,"disagreements":[{location,key,go,js,error}]}
//
// Results are numbers: -1 an evaluation error, 0 empty, 1 false, 2 true.
// Every element of the resource is visited; an invariant is evaluated on it
// when the element's type is one of the invariant's types, or its element
// path (Observation.value) one of its elements.
'use strict';

const readline = require('readline');
const fhirpath = require('fhirpath');

const version = process.argv[2] || 'r4';
const model = require('fhirpath/fhir-context/' + version);

// specs are the invariants; a key may name different expressions on
// different types (R4's inv-1), so they are told apart by their index
const childrenOf = fhirpath.compile('children()', model, { resolveInternalTypes: false });
const specs = [];
const byType = new Map(); // type name -> specs
const byElement = new Map(); // element path -> specs

function index(map, names, spec) {
  for (const n of names || []) {
    if (!map.has(n)) map.set(n, []);
    map.get(n).push(spec);
  }
}

let goResources = null; // resource types with Go types, null for all

// extend adds to fhirpath.js's model what it lacks (a draft resource).
function extend(ext) {
  if (!ext) return;
  for (const table of ['path2Type', 'path2TypeWithoutElements', 'choiceTypePaths', 'pathsDefinedElsewhere', 'type2Parent']) {
    for (const [k, v] of Object.entries(ext[table] || {})) {
      if (!(k in model[table])) model[table][k] = v;
    }
  }
  for (const r of ext.resources || []) model.availableTypes.add(r);
  goResources = new Set(ext.resources || []);
}

function setup(list, ext) {
  extend(ext);
  for (const s of list) {
    try {
      // resolve() is asynchronous in fhirpath.js, and wants a server for
      // relative references: it gets one that refuses connections, so that
      // only contained resources resolve (the Go code resolves those and
      // Bundle entries, never a server)
      const opts = { traceFn: () => {} };
      if (/\bresolve\(/.test(s.expression)) {
        opts.async = true;
        opts.fhirServerUrl = 'http://127.0.0.1:9/fhir';
      }
      s.fn = fhirpath.compile(s.expression, model, opts);
    } catch (e) {
      s.error = String(e.message || e);
    }
    specs.push(s);
    index(byType, s.types, s);
    index(byElement, s.elements, s);
  }
}

// truth maps a fhirpath.js result to the Go side's four values, by the
// rules of singleton evaluation of collections.
function truth(result) {
  if (result.length === 0) return 0;
  if (result.length > 1) return -1;
  if (result[0] === true) return 2;
  if (result[0] === false) return 1;
  return 2; // a single non-boolean value is true
}

function location(node) {
  const parts = [];
  for (let n = node; n; n = n.parentResNode) {
    if (!n.parentResNode) {
      parts.unshift(n.data.resourceType);
    } else {
      parts.unshift(n.propName + (n.index != null ? '[' + n.index + ']' : ''));
    }
  }
  return parts.join('.');
}

function isResource(n) {
  return n.data && typeof n.data === 'object' && typeof n.data.resourceType === 'string';
}

// resources returns %resource and %rootResource for a node: the resource it
// is in, and, for a contained resource, the resource that contains it.
function resources(node) {
  let res = node;
  while (res && !isResource(res)) res = res.parentResNode;
  let root = res;
  if (res && res.propName === 'contained') {
    root = res.parentResNode;
    while (root && !isResource(root)) root = root.parentResNode;
  }
  return { resource: res.data, rootResource: (root || res).data };
}

// elementPath is the node's element path with choice suffixes removed
// (Observation.value for Observation.valueQuantity).
function elementPath(node) {
  const parent = node.parentResNode;
  if (!parent) return '';
  let last = node.propName || '';
  try {
    const full = node.fullPropertyName();
    last = full.slice(full.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  } catch (e) {
    // fhirpath.js cannot name some nodes (an R5 choice typed by a profile);
    // the JSON name serves, without its type suffix when it is a choice
  }
  return (parent.path || parent.data.resourceType) + '.' + last;
}

async function check(msg) {
  const goResults = new Map();
  const dis = [];
  for (const [loc, key, res] of msg.evals) {
    const id = loc + '\u0000' + key;
    if (goResults.has(id)) {
      dis.push({ location: loc, key, go: res, js: null, error: 'evaluated more than once by the Go code' });
    }
    goResults.set(id, res);
  }
  // every element, walked with children() (descendants() overflows the
  // stack on large bundles)
  const nodes = fhirpath.evaluate(msg.resource, '%context', {}, model, { resolveInternalTypes: false });
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i] && nodes[i].ctx) {
      for (const c of childrenOf(nodes[i], {})) nodes.push(c);
    }
  }
  let evaluated = 0;
  for (const node of nodes) {
    if (!node || !node.ctx) continue; // a plain value, not an element
    const env = resources(node);
    if (goResources && !goResources.has(env.resource.resourceType)) continue; // kept as raw JSON
    const type = node.parentResNode ? node.path : node.data.resourceType;
    const apply = (byType.get(type) || []).concat(byElement.get(elementPath(node)) || []);
    if (apply.length === 0) continue;
    const loc = location(node);
    for (const spec of new Set(apply)) {
      const key = spec.key;
      let js, error;
      if (spec.error) {
        js = -1;
        error = 'fhirpath.js cannot compile it: ' + spec.error;
      } else {
        try {
          js = truth(await spec.fn(node, env));
        } catch (e) {
          js = -1;
          error = String(e.message || e);
        }
      }
      evaluated++;
      const id = loc + '\u0000' + key;
      const go = goResults.has(id) ? goResults.get(id) : null;
      goResults.delete(id);
      if (go !== js) {
        dis.push({ location: loc, key, go, js, error: error || (go === null ? 'not evaluated by the Go code' : '') });
      }
    }
  }
  for (const [id, res] of goResults) {
    const [loc, key] = id.split('\u0000');
    dis.push({ location: loc, key, go: res, js: null, error: 'evaluated by the Go code where fhirpath.js finds no such element' });
  }
  return { evaluated, disagreements: dis };
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
// the Go side waits for each answer before it sends the next line, so
// lines are handled one at a time
rl.on('line', async (line) => {
  let out;
  try {
    const msg = JSON.parse(line);
    if (msg.specs) {
      setup(msg.specs, msg.model);
      out = { evaluated: 0, disagreements: [] };
    } else {
      out = await check(msg);
    }
  } catch (e) {
    out = { fatal: String((e && e.stack) || e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
