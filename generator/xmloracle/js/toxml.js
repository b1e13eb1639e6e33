// toxml.js converts FHIR R4 resources from JSON to XML with FHIR.js (the npm
// package fhir), which does it from its own copy of the R4 definitions. It is
// driven by the Go package xmloracle over stdin/stdout, one line each:
//
//   in:  the path of a JSON file
//   out: {"xml": "..."} or {"error": "..."}
'use strict';

const fs = require('fs');
const readline = require('readline');
const { Fhir } = require('fhir');

const fhir = new Fhir();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (path) => {
  let answer;
  try {
    answer = { xml: fhir.jsonToXml(fs.readFileSync(path, 'utf8')) };
  } catch (e) {
    answer = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
