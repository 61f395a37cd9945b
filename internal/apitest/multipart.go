package apitest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
)

// FilePart is one file of a multipart upload.
type FilePart struct {
	Name string
	Data []byte
}

// Multipart sends a multipart/form-data POST to /api/v4+path: fields first
// (in order, a field may repeat), then files under form name fileField.
func (c *Client) Multipart(path string, fields [][2]string, fileField string, files ...FilePart) *Response {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			c.t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(fileField, f.Name)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	return c.Raw("POST", path, w.FormDataContentType(), buf.Bytes())
}

// Upload posts files to a channel the way the web app does.
func (c *Client) Upload(channelID string, files ...FilePart) *Response {
	c.t.Helper()
	return c.Multipart("/files", [][2]string{{"channel_id", channelID}}, "files", files...)
}

// Raw sends body with the given content type.
func (c *Client) Raw(method, path, contentType string, body []byte) *Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.s.URL+"/api/v4"+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return &Response{t: c.t, Status: resp.StatusCode, Header: resp.Header, Body: data}
}
