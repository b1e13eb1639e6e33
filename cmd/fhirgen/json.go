package main

import (
	"bytes"
	"encoding/json"
	"io"
)

func indentJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
