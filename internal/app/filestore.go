package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/model"
)

// OpenFileStore puts the configured file store in place of the local
// directory New starts with. An S3 bucket must answer now: a node that could
// not store uploads should not start (and would not notice until the first).
func (a *App) OpenFileStore(ctx context.Context) error {
	cfg := a.Config()
	if cfg.FileDriver != config.FileDriverS3 {
		return nil
	}
	b, err := a.newS3(cfg)
	if err != nil {
		return err
	}
	if err := b.CheckBucket(ctx); err != nil {
		return fmt.Errorf("file store: %w (file_driver amazons3, endpoint %s)", err, cfg.S3Endpoint)
	}
	a.files = b
	return nil
}

func (a *App) newS3(cfg *config.Config) (*filestore.S3, error) {
	return filestore.NewS3(filestore.S3Settings{
		AccessKeyID: cfg.S3AccessKeyID, SecretAccessKey: cfg.S3SecretAccessKey,
		Bucket: cfg.S3Bucket, PathPrefix: cfg.S3PathPrefix, Region: cfg.S3Region, Endpoint: cfg.S3Endpoint,
		SSL: cfg.S3SSL, SignV2: cfg.S3SignV2, SSE: cfg.S3SSE, StorageClass: cfg.S3StorageClass,
		RequestTimeout: time.Duration(cfg.S3RequestTimeoutMS) * time.Millisecond,
		PartSize:       cfg.S3UploadPartSizeBytes, Trace: cfg.S3Trace, Log: a.log,
	})
}

// TestS3 checks the S3 settings of body (Mattermost's shape, over the saved
// configuration; a masked secret keeps the saved one) or, with no body, the
// saved ones, as POST /file/s3_test does: the bucket must exist and the
// credentials list it.
func (a *App) TestS3(ctx context.Context, s *model.Session, body config.Doc) error {
	if !a.HasPermission(s, model.PermManageSystem) {
		return model.ErrForbidden()
	}
	a.conf.mu.Lock()
	cfg := a.conf.stored
	current, err := a.storedDoc()
	a.conf.mu.Unlock()
	if err != nil {
		return err
	}
	if body != nil {
		merged := config.Merge(current, body)
		config.Unmask(merged, current)
		if err := cfg.SetMattermost(merged); err != nil {
			e := model.ErrInvalidBody("config")
			e.DetailedError = err.Error()
			return e
		}
	}
	if cfg.S3Bucket == "" {
		return model.NewAppError(http.StatusBadRequest, "api.admin.test_s3.missing_s3_bucket",
			"S3 Bucket is required.")
	}
	b, err := a.newS3(&cfg)
	if err != nil {
		return model.NewAppError(http.StatusInternalServerError, "api.file.test_connection.app_error",
			"Unable to access the file storage.").Wrap(err)
	}
	switch err := b.CheckBucket(ctx); {
	case err == nil:
		return nil
	case errors.Is(err, filestore.ErrNoBucket):
		return model.NewAppError(http.StatusInternalServerError, "api.file.test_connection_s3_bucket_does_not_exist.app_error",
			"Ensure your Amazon S3 bucket is available, and verify your bucket permissions.").Wrap(err)
	default:
		return model.NewAppError(http.StatusInternalServerError, "api.file.test_connection_s3_auth.app_error",
			"Unable to connect to S3. Verify your Amazon S3 connection authorization parameters and authentication settings.").Wrap(err)
	}
}
