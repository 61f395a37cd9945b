// Package config holds Parley's settings: safe defaults, overridden by a JSON
// file, then by PARLEY_* environment variables, then by command-line flags.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is every setting. The json name is the key in the file; env names the
// environment variable that overrides it.
type Config struct {
	Listen    string `json:"listen" env:"PARLEY_LISTEN" mm:"MM_SERVICESETTINGS_LISTENADDRESS" restart:"true" help:"address to listen on"`
	DataDir   string `json:"data_dir" env:"PARLEY_DATA" restart:"true" help:"directory for the SQLite database and files"`
	FilesDir  string `json:"files_dir" empty:"ok" env:"PARLEY_FILES_DIR" mm:"MM_FILESETTINGS_DIRECTORY" restart:"true" help:"directory for uploaded files; empty means <data_dir>/files"`
	Database  string `json:"database" empty:"ok" env:"PARLEY_DATABASE" mm:"MM_SQLSETTINGS_DATASOURCE" restart:"true" help:"data source: empty for SQLite in the data directory, or a postgres:// URL"`
	SiteURL   string `json:"site_url" empty:"ok" env:"PARLEY_SITE_URL" mm:"MM_SERVICESETTINGS_SITEURL" restart:"true" help:"public URL clients use, e.g. https://chat.example.com"`
	SiteName  string `json:"site_name" env:"PARLEY_SITE_NAME" mm:"MM_TEAMSETTINGS_SITENAME" help:"name shown to users"`
	LogLevel  string `json:"log_level" env:"PARLEY_LOG_LEVEL" mm:"MM_LOGSETTINGS_CONSOLELEVEL" help:"debug, info, warn or error"`
	LogFormat string `json:"log_format" env:"PARLEY_LOG_FORMAT" restart:"true" help:"text or json"`

	TLSCertFile     string `json:"tls_cert_file" empty:"ok" env:"PARLEY_TLS_CERT_FILE" mm:"MM_SERVICESETTINGS_TLSCERTFILE" restart:"true" help:"PEM certificate to serve HTTPS with (with tls_key_file)"`
	TLSKeyFile      string `json:"tls_key_file" empty:"ok" env:"PARLEY_TLS_KEY_FILE" mm:"MM_SERVICESETTINGS_TLSKEYFILE" restart:"true" help:"PEM private key for tls_cert_file"`
	TLSAutocert     bool   `json:"tls_autocert" env:"PARLEY_TLS_AUTOCERT" mm:"MM_SERVICESETTINGS_USELETSENCRYPT" restart:"true" help:"obtain certificates automatically (ACME) for the host of site_url; needs port 443 reachable"`
	MetricsListen   string `json:"metrics_listen" empty:"ok" env:"PARLEY_METRICS_LISTEN" mm:"MM_METRICSSETTINGS_LISTENADDRESS" restart:"true" help:"address of the Prometheus /metrics listener; empty turns it off"`
	ShutdownTimeout int    `json:"shutdown_timeout_seconds" env:"PARLEY_SHUTDOWN_TIMEOUT" help:"seconds a stop waits for requests in flight"`

	EnableOpenServer       bool `json:"enable_open_server" env:"PARLEY_ENABLE_OPEN_SERVER" mm:"MM_TEAMSETTINGS_ENABLEOPENSERVER" help:"anyone may sign up without an invite"`
	EnableUserCreation     bool `json:"enable_user_creation" env:"PARLEY_ENABLE_USER_CREATION" mm:"MM_TEAMSETTINGS_ENABLEUSERCREATION" help:"allow new accounts at all"`
	EnableTeamCreation     bool `json:"enable_team_creation" env:"PARLEY_ENABLE_TEAM_CREATION" mm:"MM_TEAMSETTINGS_ENABLETEAMCREATION" help:"members may create teams"`
	EnableUserAccessTokens bool `json:"enable_user_access_tokens" env:"PARLEY_ENABLE_USER_ACCESS_TOKENS" mm:"MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS" help:"allow personal access tokens"`
	EnableUserDeactivation bool `json:"enable_user_deactivation" env:"PARLEY_ENABLE_USER_DEACTIVATION" mm:"MM_TEAMSETTINGS_ENABLEUSERDEACTIVATION" help:"users may deactivate their own account"`
	EnableAPIDeletion      bool `json:"enable_api_deletion" env:"PARLEY_ENABLE_API_DELETION" mm:"MM_SERVICESETTINGS_ENABLEAPIUSERDELETION" help:"allow permanent=true deletes of users, teams, channels and posts through the API"`
	ShowEmailAddress       bool `json:"show_email_address" env:"PARLEY_SHOW_EMAIL_ADDRESS" mm:"MM_PRIVACYSETTINGS_SHOWEMAILADDRESS" help:"show users' email addresses to others"`
	ShowFullName           bool `json:"show_full_name" env:"PARLEY_SHOW_FULL_NAME" mm:"MM_PRIVACYSETTINGS_SHOWFULLNAME" help:"show users' full names to others"`
	StrictCSRF             bool `json:"strict_csrf" env:"PARLEY_STRICT_CSRF" mm:"MM_SERVICESETTINGS_EXPERIMENTALSTRICTCSRFENFORCEMENT" help:"refuse cookie requests without a CSRF token even when X-Requested-With is set"`

	SessionLengthDays    int `json:"session_length_days" env:"PARLEY_SESSION_LENGTH_DAYS" mm:"MM_SERVICESETTINGS_SESSIONLENGTHWEBINDAYS" help:"days a login lasts"`
	PasswordMinLength    int `json:"password_min_length" env:"PARLEY_PASSWORD_MIN_LENGTH" mm:"MM_PASSWORDSETTINGS_MINIMUMLENGTH" help:"shortest password accepted"`
	MaxLoginAttempts     int `json:"max_login_attempts" env:"PARLEY_MAX_LOGIN_ATTEMPTS" mm:"MM_SERVICESETTINGS_MAXIMUMLOGINATTEMPTS" help:"failed logins before an account is locked"`
	LoginLockoutMinutes  int `json:"login_lockout_minutes" env:"PARLEY_LOGIN_LOCKOUT_MINUTES" help:"minutes a locked account stays locked after its last failed login; then the count starts over (0 keeps it locked until a password reset)"`
	MaxRequestBodyKB     int `json:"max_request_body_kb" env:"PARLEY_MAX_REQUEST_BODY_KB" help:"largest JSON request body, in KiB"`
	PostEditTimeLimitSec int `json:"post_edit_time_limit" env:"PARLEY_POST_EDIT_TIME_LIMIT" mm:"MM_SERVICESETTINGS_POSTEDITTIMELIMIT" help:"seconds a post stays editable; -1 for always"`
	MaxUsersPerTeam      int `json:"max_users_per_team" env:"PARLEY_MAX_USERS_PER_TEAM" mm:"MM_TEAMSETTINGS_MAXUSERSPERTEAM" help:"largest team size"`

	RateLimitEnabled         bool   `json:"rate_limit_enabled" env:"PARLEY_RATE_LIMIT_ENABLED" mm:"MM_RATELIMITSETTINGS_ENABLE" help:"limit API requests per user (per address when anonymous), and user_typing per WebSocket connection"`
	RateLimitPerSec          int    `json:"rate_limit_per_sec" env:"PARLEY_RATE_LIMIT_PER_SEC" mm:"MM_RATELIMITSETTINGS_PERSEC" help:"requests a second allowed on average"`
	RateLimitBurst           int    `json:"rate_limit_burst" env:"PARLEY_RATE_LIMIT_BURST" mm:"MM_RATELIMITSETTINGS_MAXBURST" help:"requests allowed in a burst above the average"`
	TrustedProxyIPHeader     string `json:"trusted_proxy_ip_header" empty:"ok" env:"PARLEY_TRUSTED_PROXY_IP_HEADER" mm:"MM_SERVICESETTINGS_TRUSTEDPROXYIPHEADER" help:"space- or comma-separated headers (X-Forwarded-For, X-Real-IP) that name the client's address when a request comes from a trusted_proxies peer; empty uses the peer address"`
	TrustedProxies           string `json:"trusted_proxies" empty:"ok" env:"PARLEY_TRUSTED_PROXIES" help:"space- or comma-separated IPs and CIDRs of the reverse proxies whose trusted_proxy_ip_header is believed"`
	SearchLanguage           string `json:"search_language" env:"PARLEY_SEARCH_LANGUAGE" help:"language message search stems words in: english or simple on SQLite; any text search configuration on PostgreSQL (german, french, ...)"`
	UserStatusAwayTimeoutSec int    `json:"user_status_away_timeout" env:"PARLEY_USER_STATUS_AWAY_TIMEOUT" mm:"MM_TEAMSETTINGS_USERSTATUSAWAYTIMEOUT" restart:"true" help:"seconds without activity before a connected user is shown away"`
	EnableFileAttachments    bool   `json:"enable_file_attachments" env:"PARLEY_ENABLE_FILE_ATTACHMENTS" mm:"MM_FILESETTINGS_ENABLEFILEATTACHMENTS" help:"members may upload files and attach them to posts"`
	MaxFileSize              int64  `json:"max_file_size" env:"PARLEY_MAX_FILE_SIZE" mm:"MM_FILESETTINGS_MAXFILESIZE" help:"largest uploaded file, in bytes"`
	AllowedFileTypes         string `json:"allowed_file_types" empty:"ok" env:"PARLEY_ALLOWED_FILE_TYPES" help:"comma-separated extensions (pdf) or MIME types (image/png, image/*) uploads may have; empty allows every type"`
	MaxImagePixels           int64  `json:"max_image_pixels" env:"PARLEY_MAX_IMAGE_PIXELS" mm:"MM_FILESETTINGS_MAXIMAGERESOLUTION" help:"largest image (width × height) Parley decodes for thumbnails; larger images are refused"`
	MaxImageDecodeMB         int64  `json:"max_image_decode_mb" env:"PARLEY_MAX_IMAGE_DECODE_MB" help:"memory, in MiB, all image decodes together may hold (pixels and scaled copies); decodes wait for their share, read at start"`
	MaxImageDecoders         int    `json:"max_image_decoder_concurrency" env:"PARLEY_MAX_IMAGE_DECODER_CONCURRENCY" mm:"MM_FILESETTINGS_MAXIMAGEDECODERCONCURRENCY" help:"images decoded at once; -1 means one per CPU, read at start"`
	EnableCustomEmoji        bool   `json:"enable_custom_emoji" env:"PARLEY_ENABLE_CUSTOM_EMOJI" mm:"MM_SERVICESETTINGS_ENABLECUSTOMEMOJI" help:"members may add custom emoji"`
	EnableCustomUserStatuses bool   `json:"enable_custom_user_statuses" env:"PARLEY_ENABLE_CUSTOM_USER_STATUSES" mm:"MM_TEAMSETTINGS_ENABLECUSTOMUSERSTATUSES" help:"members may set a custom status (emoji and text, with an expiry)"`
	AllowSyncedDrafts        bool   `json:"allow_synced_drafts" env:"PARLEY_ALLOW_SYNCED_DRAFTS" mm:"MM_SERVICESETTINGS_ALLOWSYNCEDDRAFTS" help:"keep unsent messages on the server so a user's other devices show them; off, the drafts routes answer 501"`

	EnableIncomingWebhooks         bool   `json:"enable_incoming_webhooks" env:"PARLEY_ENABLE_INCOMING_WEBHOOKS" mm:"MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS" help:"accept posts through incoming webhooks (POST /hooks/{id})"`
	EnableOutgoingWebhooks         bool   `json:"enable_outgoing_webhooks" env:"PARLEY_ENABLE_OUTGOING_WEBHOOKS" mm:"MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS" help:"call outgoing webhooks on their trigger words"`
	EnableCommands                 bool   `json:"enable_commands" env:"PARLEY_ENABLE_COMMANDS" mm:"MM_SERVICESETTINGS_ENABLECOMMANDS" help:"allow custom slash commands (built-in commands always work)"`
	EnablePostUsernameOverride     bool   `json:"enable_post_username_override" env:"PARLEY_ENABLE_POST_USERNAME_OVERRIDE" mm:"MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE" help:"integrations may post under another display name"`
	EnablePostIconOverride         bool   `json:"enable_post_icon_override" env:"PARLEY_ENABLE_POST_ICON_OVERRIDE" mm:"MM_SERVICESETTINGS_ENABLEPOSTICONOVERRIDE" help:"integrations may post with another profile picture"`
	EnableBotAccountCreation       bool   `json:"enable_bot_account_creation" env:"PARLEY_ENABLE_BOT_ACCOUNT_CREATION" mm:"MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION" help:"users may create bot accounts"`
	EnableLinkPreviews             bool   `json:"enable_link_previews" env:"PARLEY_ENABLE_LINK_PREVIEWS" mm:"MM_SERVICESETTINGS_ENABLELINKPREVIEWS" help:"fetch OpenGraph previews of the first link in a post"`
	AllowedInternalHosts           string `json:"allowed_internal_hosts" empty:"ok" env:"PARLEY_ALLOWED_INTERNAL_HOSTS" mm:"MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS" help:"space- or comma-separated host names, IPs and CIDRs that webhooks, commands and link previews may reach although they are loopback or private"`
	IntegrationTimeoutSec          int    `json:"integration_timeout_seconds" env:"PARLEY_INTEGRATION_TIMEOUT" mm:"MM_SERVICESETTINGS_OUTGOINGINTEGRATIONREQUESTSTIMEOUT" help:"seconds an outgoing webhook, slash command or link preview request may take"`
	PasswordRequireLowercase       bool   `json:"password_require_lowercase" env:"PARLEY_PASSWORD_REQUIRE_LOWERCASE" mm:"MM_PASSWORDSETTINGS_LOWERCASE" help:"passwords need a lowercase letter"`
	PasswordRequireUppercase       bool   `json:"password_require_uppercase" env:"PARLEY_PASSWORD_REQUIRE_UPPERCASE" mm:"MM_PASSWORDSETTINGS_UPPERCASE" help:"passwords need an uppercase letter"`
	PasswordRequireNumber          bool   `json:"password_require_number" env:"PARLEY_PASSWORD_REQUIRE_NUMBER" mm:"MM_PASSWORDSETTINGS_NUMBER" help:"passwords need a digit"`
	PasswordRequireSymbol          bool   `json:"password_require_symbol" env:"PARLEY_PASSWORD_REQUIRE_SYMBOL" mm:"MM_PASSWORDSETTINGS_SYMBOL" help:"passwords need a symbol"`
	RevokeSessionsOnPasswordChange bool   `json:"revoke_sessions_on_password_change" env:"PARLEY_REVOKE_SESSIONS_ON_PASSWORD_CHANGE" mm:"MM_SERVICESETTINGS_TERMINATESESSIONSONPASSWORDCHANGE" help:"a password change ends the user's other sessions (an admin's reset ends all of them)"`
	EnableMFA                      bool   `json:"enable_mfa" env:"PARLEY_ENABLE_MFA" mm:"MM_SERVICESETTINGS_ENABLEMULTIFACTORAUTHENTICATION" help:"users may turn on multi-factor authentication (TOTP)"`
	EnforceMFA                     bool   `json:"enforce_mfa" env:"PARLEY_ENFORCE_MFA" mm:"MM_SERVICESETTINGS_ENFORCEMULTIFACTORAUTHENTICATION" help:"every user must set up multi-factor authentication before using the API"`

	SMTPServer                        string `json:"smtp_server" env:"PARLEY_SMTP_SERVER" mm:"MM_EMAILSETTINGS_SMTPSERVER" help:"host of the SMTP server mail is sent through; empty sends no mail"`
	SMTPPort                          string `json:"smtp_port" env:"PARLEY_SMTP_PORT" mm:"MM_EMAILSETTINGS_SMTPPORT" help:"port of the SMTP server"`
	SMTPConnectionSecurity            string `json:"smtp_connection_security" env:"PARLEY_SMTP_CONNECTION_SECURITY" mm:"MM_EMAILSETTINGS_CONNECTIONSECURITY" help:"empty (plain), TLS (implicit TLS, usually port 465) or STARTTLS"`
	EnableSMTPAuth                    bool   `json:"enable_smtp_auth" env:"PARLEY_ENABLE_SMTP_AUTH" mm:"MM_EMAILSETTINGS_ENABLESMTPAUTH" help:"log in to the SMTP server with smtp_username and smtp_password (PLAIN)"`
	SMTPUsername                      string `json:"smtp_username" env:"PARLEY_SMTP_USERNAME" mm:"MM_EMAILSETTINGS_SMTPUSERNAME" help:"SMTP login name"`
	SMTPPassword                      string `json:"smtp_password" env:"PARLEY_SMTP_PASSWORD" mm:"MM_EMAILSETTINGS_SMTPPASSWORD" help:"SMTP password"`
	SkipServerCertificateVerification bool   `json:"smtp_skip_server_certificate_verification" env:"PARLEY_SMTP_SKIP_SERVER_CERTIFICATE_VERIFICATION" mm:"MM_EMAILSETTINGS_SKIPSERVERCERTIFICATEVERIFICATION" help:"accept any certificate from the SMTP server (testing only)"`
	FeedbackName                      string `json:"feedback_name" env:"PARLEY_FEEDBACK_NAME" mm:"MM_EMAILSETTINGS_FEEDBACKNAME" help:"sender name of notification mail"`
	FeedbackEmail                     string `json:"feedback_email" env:"PARLEY_FEEDBACK_EMAIL" mm:"MM_EMAILSETTINGS_FEEDBACKEMAIL" help:"sender address of notification mail"`
	ReplyToAddress                    string `json:"reply_to_address" env:"PARLEY_REPLY_TO_ADDRESS" mm:"MM_EMAILSETTINGS_REPLYTOADDRESS" help:"Reply-To address of notification mail; empty: none"`
	SendEmailNotifications            bool   `json:"send_email_notifications" env:"PARLEY_SEND_EMAIL_NOTIFICATIONS" mm:"MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS" help:"mail members about mentions and direct messages while they are away"`
	RequireEmailVerification          bool   `json:"require_email_verification" env:"PARLEY_REQUIRE_EMAIL_VERIFICATION" mm:"MM_EMAILSETTINGS_REQUIREEMAILVERIFICATION" help:"new accounts must confirm their address by mail before they can log in"`
	EnableSignUpWithEmail             bool   `json:"enable_sign_up_with_email" env:"PARLEY_ENABLE_SIGN_UP_WITH_EMAIL" mm:"MM_EMAILSETTINGS_ENABLESIGNUPWITHEMAIL" help:"users may sign up with an email address and password (enable_user_creation must be on too); admins always may create accounts"`
	EnableEmailBatching               bool   `json:"enable_email_batching" env:"PARLEY_ENABLE_EMAIL_BATCHING" mm:"MM_EMAILSETTINGS_ENABLEEMAILBATCHING" help:"collect a member's notification mails into one digest per interval (their email_interval preference, default 15 minutes)"`
	EmailBatchingInterval             int    `json:"email_batching_interval" env:"PARLEY_EMAIL_BATCHING_INTERVAL" mm:"MM_EMAILSETTINGS_EMAILBATCHINGINTERVAL" help:"seconds between two looks for digests that are due"`
	// Email invitations, sign-up domains and the DM auto-responder (docs/notifications.md).
	EnableEmailInvitations             bool   `json:"enable_email_invitations" env:"PARLEY_ENABLE_EMAIL_INVITATIONS" mm:"MM_SERVICESETTINGS_ENABLEEMAILINVITATIONS" help:"members with invite_user may invite people to a team by mail (POST /teams/{id}/invite/email)"`
	RestrictCreationToDomains          string `json:"restrict_creation_to_domains" empty:"ok" env:"PARLEY_RESTRICT_CREATION_TO_DOMAINS" mm:"MM_TEAMSETTINGS_RESTRICTCREATIONTODOMAINS" help:"comma-separated email domains sign-ups and invitations must have; empty allows any"`
	ExperimentalEnableAutomaticReplies bool   `json:"experimental_enable_automatic_replies" env:"PARLEY_EXPERIMENTAL_ENABLE_AUTOMATIC_REPLIES" mm:"MM_TEAMSETTINGS_EXPERIMENTALENABLEAUTOMATICREPLIES" help:"members may turn on an automatic reply to direct messages (notify_props auto_responder_active and auto_responder_message)"`

	// Push notifications to the official mobile apps, through a push proxy.
	SendPushNotifications    bool   `json:"send_push_notifications" env:"PARLEY_SEND_PUSH_NOTIFICATIONS" mm:"MM_EMAILSETTINGS_SENDPUSHNOTIFICATIONS" help:"push mentions and direct messages to the mobile apps of members who are away (needs push_notification_server)"`
	PushNotificationServer   string `json:"push_notification_server" env:"PARLEY_PUSH_NOTIFICATION_SERVER" mm:"MM_EMAILSETTINGS_PUSHNOTIFICATIONSERVER" help:"URL of the push proxy (Mattermost's hosted one or your own mattermost-push-proxy); empty sends no push"`
	PushNotificationContents string `json:"push_notification_contents" env:"PARLEY_PUSH_NOTIFICATION_CONTENTS" mm:"MM_EMAILSETTINGS_PUSHNOTIFICATIONCONTENTS" help:"what a push shows: generic_no_channel, generic (sender and channel), full (the message too) or id_loaded (nothing; the app fetches the post)"`
	// Web Push to Parley's own web client (RFC 8030/8291/8292), through the
	// browser's push service: no relay, VAPID keys in the database.
	EnableWebPush            bool `json:"enable_web_push" env:"PARLEY_ENABLE_WEB_PUSH" help:"Parley extension: with send_push_notifications, send the pushes the mobile apps would get to the browsers of the web client that subscribed (Web Push; needs an https site_url in the browser)"`
	WebPushAllowHTTPLoopback bool `json:"web_push_allow_http_loopback" env:"PARLEY_WEB_PUSH_ALLOW_HTTP_LOOPBACK" help:"for tests only: accept Web Push subscriptions whose endpoint is plain http on 127.0.0.1 or [::1], and send to them"`
	// Collapsed reply threads.
	CollapsedThreads string `json:"collapsed_threads" env:"PARLEY_COLLAPSED_THREADS" mm:"MM_SERVICESETTINGS_COLLAPSEDTHREADS" help:"collapsed reply threads: disabled, default_off (users may turn them on), default_on (users may turn them off) or always_on"`
	ThreadAutoFollow bool   `json:"thread_auto_follow" env:"PARLEY_THREAD_AUTO_FOLLOW" mm:"MM_SERVICESETTINGS_THREADAUTOFOLLOW" help:"the author of a thread's root, its repliers and those mentioned in it follow the thread; needed by collapsed_threads"`

	ExportRetentionDays int `json:"export_retention_days" env:"PARLEY_EXPORT_RETENTION_DAYS" mm:"MM_EXPORTSETTINGS_RETENTIONDAYS" help:"days a finished bulk export stays in <data_dir>/export before it is removed; 0 keeps exports until deleted"`
	ImportRetentionDays int `json:"import_retention_days" env:"PARLEY_IMPORT_RETENTION_DAYS" mm:"MM_IMPORTSETTINGS_RETENTIONDAYS" help:"days an uploaded import file stays in <data_dir>/import before it is removed; 0 keeps imports until deleted"`

	// High availability (docs/cluster.md): several nodes on one PostgreSQL
	// database, one NATS server with JetStream and shared file storage.
	ClusterNATSURL string `json:"cluster_nats_url" empty:"ok" env:"PARLEY_CLUSTER_NATS_URL" restart:"true" help:"NATS server (with JetStream) the nodes of a cluster share, e.g. nats://nats:4222; set, it turns cluster mode on (needs PostgreSQL)"`
	ClusterEnable  bool   `json:"cluster_enable" env:"PARLEY_CLUSTER_ENABLE" mm:"MM_CLUSTERSETTINGS_ENABLE" restart:"true" help:"Mattermost's cluster switch: accepted, and refused without cluster_nats_url; cluster_nats_url alone turns cluster mode on"`
	ClusterName    string `json:"cluster_name" empty:"ok" env:"PARLEY_CLUSTER_NAME" mm:"MM_CLUSTERSETTINGS_CLUSTERNAME" restart:"true" help:"nodes with the same name form one cluster; it is part of every NATS stream and bucket name, so clusters on one NATS never see each other; empty means parley"`
	NodeName       string `json:"node_name" empty:"ok" env:"PARLEY_NODE_NAME" mm:"MM_CLUSTERSETTINGS_OVERRIDEHOSTNAME" restart:"true" help:"this node's name in the cluster (unique per node); empty uses the host name"`

	// S3 file storage (docs/files.md): Mattermost's FileSettings.DriverName and
	// AmazonS3* settings; and PostgreSQL read replicas (docs/cluster.md).
	FileDriver            string `json:"file_driver" env:"PARLEY_FILE_DRIVER" mm:"MM_FILESETTINGS_DRIVERNAME" restart:"true" help:"where uploaded files are kept: local (files_dir) or amazons3 (an S3-compatible bucket, the s3_* settings)"`
	S3AccessKeyID         string `json:"s3_access_key_id" empty:"ok" env:"PARLEY_S3_ACCESS_KEY_ID" mm:"MM_FILESETTINGS_AMAZONS3ACCESSKEYID" restart:"true" help:"S3 access key id; empty uses the instance's IAM role (AWS)"`
	S3SecretAccessKey     string `json:"s3_secret_access_key" empty:"ok" env:"PARLEY_S3_SECRET_ACCESS_KEY" mm:"MM_FILESETTINGS_AMAZONS3SECRETACCESSKEY" restart:"true" help:"S3 secret access key"`
	S3Bucket              string `json:"s3_bucket" empty:"ok" env:"PARLEY_S3_BUCKET" mm:"MM_FILESETTINGS_AMAZONS3BUCKET" restart:"true" help:"S3 bucket the files go to; it must exist (the start is refused otherwise)"`
	S3PathPrefix          string `json:"s3_path_prefix" empty:"ok" env:"PARLEY_S3_PATH_PREFIX" mm:"MM_FILESETTINGS_AMAZONS3PATHPREFIX" restart:"true" help:"folder in the bucket the files go under; empty: the bucket's root"`
	S3Region              string `json:"s3_region" empty:"ok" env:"PARLEY_S3_REGION" mm:"MM_FILESETTINGS_AMAZONS3REGION" restart:"true" help:"S3 region; empty asks the server for the bucket's region"`
	S3Endpoint            string `json:"s3_endpoint" env:"PARLEY_S3_ENDPOINT" mm:"MM_FILESETTINGS_AMAZONS3ENDPOINT" restart:"true" help:"host[:port] of the S3 server (s3.amazonaws.com, minio:9000, seaweedfs:8333)"`
	S3SSL                 bool   `json:"s3_ssl" env:"PARLEY_S3_SSL" mm:"MM_FILESETTINGS_AMAZONS3SSL" restart:"true" help:"talk HTTPS to the S3 server"`
	S3SignV2              bool   `json:"s3_sign_v2" env:"PARLEY_S3_SIGN_V2" mm:"MM_FILESETTINGS_AMAZONS3SIGNV2" restart:"true" help:"sign requests with AWS signature version 2, for old servers that know no version 4"`
	S3SSE                 bool   `json:"s3_sse" env:"PARLEY_S3_SSE" mm:"MM_FILESETTINGS_AMAZONS3SSE" restart:"true" help:"ask the S3 server to encrypt objects at rest with its own keys (SSE-S3)"`
	S3Trace               bool   `json:"s3_trace" env:"PARLEY_S3_TRACE" mm:"MM_FILESETTINGS_AMAZONS3TRACE" restart:"true" help:"log every S3 request and response (headers, without bodies) at debug level"`
	S3RequestTimeoutMS    int64  `json:"s3_request_timeout_ms" env:"PARLEY_S3_REQUEST_TIMEOUT_MS" mm:"MM_FILESETTINGS_AMAZONS3REQUESTTIMEOUTMILLISECONDS" restart:"true" help:"milliseconds an S3 request may take to connect and answer (the transfer of an object's bytes is not limited)"`
	S3UploadPartSizeBytes int64  `json:"s3_upload_part_size_bytes" env:"PARLEY_S3_UPLOAD_PART_SIZE_BYTES" mm:"MM_FILESETTINGS_AMAZONS3UPLOADPARTSIZEBYTES" restart:"true" help:"bytes of each part of a multipart upload, the memory one upload holds (at least 5 MiB)"`
	S3StorageClass        string `json:"s3_storage_class" empty:"ok" env:"PARLEY_S3_STORAGE_CLASS" mm:"MM_FILESETTINGS_AMAZONS3STORAGECLASS" restart:"true" help:"storage class of new objects (STANDARD, STANDARD_IA, ...); empty: the bucket's default"`
	DatabaseReplicas      string `json:"database_replicas" empty:"ok" env:"PARLEY_DATABASE_REPLICAS" mm:"MM_SQLSETTINGS_DATASOURCEREPLICAS" restart:"true" help:"space-separated postgres:// URLs of read replicas that take the reads that tolerate lag (PostgreSQL only)"`

	// Compliance export (docs/compliance.md), Mattermost's MessageExportSettings.
	MessageExportEnable                bool   `json:"message_export_enable" env:"PARLEY_MESSAGE_EXPORT_ENABLE" mm:"MM_MESSAGEEXPORTSETTINGS_ENABLEEXPORT" help:"run a compliance export every day at message_export_daily_run_time"`
	MessageExportFormat                string `json:"message_export_format" env:"PARLEY_MESSAGE_EXPORT_FORMAT" mm:"MM_MESSAGEEXPORTSETTINGS_EXPORTFORMAT" help:"format of the daily compliance export: csv, actiance or globalrelay-zip"`
	MessageExportDailyRunTime          string `json:"message_export_daily_run_time" env:"PARLEY_MESSAGE_EXPORT_DAILY_RUN_TIME" mm:"MM_MESSAGEEXPORTSETTINGS_DAILYRUNTIME" help:"time of day (HH:MM, server local time) the daily compliance export starts"`
	MessageExportFromTimestamp         int64  `json:"message_export_from_timestamp" env:"PARLEY_MESSAGE_EXPORT_FROM_TIMESTAMP" mm:"MM_MESSAGEEXPORTSETTINGS_EXPORTFROMTIMESTAMP" help:"Unix milliseconds the first compliance export starts from; later ones start where the previous one ended"`
	MessageExportBatchSize             int    `json:"message_export_batch_size" env:"PARLEY_MESSAGE_EXPORT_BATCH_SIZE" mm:"MM_MESSAGEEXPORTSETTINGS_BATCHSIZE" help:"posts a compliance export reads from the database at a time"`
	MessageExportDownloadExportResults bool   `json:"message_export_download_export_results" env:"PARLEY_MESSAGE_EXPORT_DOWNLOAD_EXPORT_RESULTS" mm:"MM_MESSAGEEXPORTSETTINGS_DOWNLOADEXPORTRESULTS" help:"let system admins download a finished compliance export through GET /api/v4/jobs/{id}/download"`

	// Custom terms of service users must accept (docs/compliance.md), Mattermost's SupportSettings.
	CustomTermsOfServiceEnabled            bool `json:"custom_terms_of_service_enabled" env:"PARLEY_CUSTOM_TERMS_OF_SERVICE_ENABLED" mm:"MM_SUPPORTSETTINGS_CUSTOMTERMSOFSERVICEENABLED" help:"users must accept the newest terms of service (POST /api/v4/terms_of_service) before they use the web and mobile apps; declining logs them out"`
	CustomTermsOfServiceReAcceptancePeriod int  `json:"custom_terms_of_service_re_acceptance_period" env:"PARLEY_CUSTOM_TERMS_OF_SERVICE_RE_ACCEPTANCE_PERIOD" mm:"MM_SUPPORTSETTINGS_CUSTOMTERMSOFSERVICEREACCEPTANCEPERIOD" help:"days after which users must accept the terms of service again, even unchanged"`
	// Audit log forwarding to syslog (docs/gdpr.md#audit-log): Mattermost's
	// ExperimentalAuditSettings.SysLog* (TLS only there), which its later
	// versions replaced with AdvancedLoggingJSON.
	AuditSyslogEnable       bool   `json:"audit_syslog_enable" env:"PARLEY_AUDIT_SYSLOG_ENABLE" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGENABLED" help:"send every new audit log entry to a syslog server too (RFC 5424)"`
	AuditSyslogHost         string `json:"audit_syslog_host" empty:"ok" env:"PARLEY_AUDIT_SYSLOG_HOST" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGIP" help:"host name or IP of the syslog server; empty means localhost"`
	AuditSyslogPort         int    `json:"audit_syslog_port" env:"PARLEY_AUDIT_SYSLOG_PORT" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGPORT" help:"port of the syslog server: 6514 for tls, usually 514 for tcp and udp"`
	AuditSyslogProtocol     string `json:"audit_syslog_protocol" env:"PARLEY_AUDIT_SYSLOG_PROTOCOL" help:"tls, tcp (both with octet-counting framing, RFC 6587) or udp"`
	AuditSyslogTag          string `json:"audit_syslog_tag" empty:"ok" env:"PARLEY_AUDIT_SYSLOG_TAG" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGTAG" help:"APP-NAME of the messages; empty means parley"`
	AuditSyslogCert         string `json:"audit_syslog_cert" empty:"ok" env:"PARLEY_AUDIT_SYSLOG_CERT" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGCERT" help:"PEM file (or base64-encoded PEM) of the authority that signs the syslog server's certificate; empty trusts the system's authorities"`
	AuditSyslogInsecure     bool   `json:"audit_syslog_insecure" env:"PARLEY_AUDIT_SYSLOG_INSECURE" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGINSECURE" help:"accept any certificate from the syslog server (testing only)"`
	AuditSyslogMaxQueueSize int    `json:"audit_syslog_max_queue_size" env:"PARLEY_AUDIT_SYSLOG_MAX_QUEUE_SIZE" mm:"MM_EXPERIMENTALAUDITSETTINGS_SYSLOGMAXQUEUESIZE" help:"entries that may wait while the syslog server is away; more are dropped and counted (parley_audit_syslog_records_total)"`

	// Identity: LDAP / Active Directory login and sync, guest accounts (docs/identity.md).
	LdapEnable                      bool   `json:"ldap_enable" env:"PARLEY_LDAP_ENABLE" mm:"MM_LDAPSETTINGS_ENABLE" help:"users may log in with their directory (LDAP or Active Directory) account"`
	LdapEnableSync                  bool   `json:"ldap_enable_sync" env:"PARLEY_LDAP_ENABLE_SYNC" mm:"MM_LDAPSETTINGS_ENABLESYNC" help:"copy directory attributes to Parley every ldap_sync_interval_minutes and deactivate users gone from the directory"`
	LdapServer                      string `json:"ldap_server" env:"PARLEY_LDAP_SERVER" mm:"MM_LDAPSETTINGS_LDAPSERVER" help:"host name or IP of the LDAP server"`
	LdapPort                        int    `json:"ldap_port" env:"PARLEY_LDAP_PORT" mm:"MM_LDAPSETTINGS_LDAPPORT" help:"port of the LDAP server (389, or 636 with TLS)"`
	LdapConnectionSecurity          string `json:"ldap_connection_security" empty:"ok" env:"PARLEY_LDAP_CONNECTION_SECURITY" mm:"MM_LDAPSETTINGS_CONNECTIONSECURITY" help:"empty (plain), TLS (ldaps) or STARTTLS"`
	LdapSkipCertificateVerification bool   `json:"ldap_skip_certificate_verification" env:"PARLEY_LDAP_SKIP_CERTIFICATE_VERIFICATION" mm:"MM_LDAPSETTINGS_SKIPCERTIFICATEVERIFICATION" help:"accept any certificate from the LDAP server (testing only)"`
	LdapBaseDN                      string `json:"ldap_base_dn" env:"PARLEY_LDAP_BASE_DN" mm:"MM_LDAPSETTINGS_BASEDN" help:"where user searches start, e.g. ou=people,dc=example,dc=com"`
	LdapBindUsername                string `json:"ldap_bind_username" empty:"ok" env:"PARLEY_LDAP_BIND_USERNAME" mm:"MM_LDAPSETTINGS_BINDUSERNAME" help:"DN Parley binds as to search; empty binds anonymously"`
	LdapBindPassword                string `json:"ldap_bind_password" empty:"ok" env:"PARLEY_LDAP_BIND_PASSWORD" mm:"MM_LDAPSETTINGS_BINDPASSWORD" help:"password of ldap_bind_username"`
	LdapUserFilter                  string `json:"ldap_user_filter" empty:"ok" env:"PARLEY_LDAP_USER_FILTER" mm:"MM_LDAPSETTINGS_USERFILTER" help:"LDAP filter a user must match to log in, e.g. (objectClass=inetOrgPerson)"`
	LdapGuestFilter                 string `json:"ldap_guest_filter" empty:"ok" env:"PARLEY_LDAP_GUEST_FILTER" mm:"MM_LDAPSETTINGS_GUESTFILTER" help:"LDAP filter of the users who are guests (with guest_accounts_enable)"`
	LdapEnableAdminFilter           bool   `json:"ldap_enable_admin_filter" env:"PARLEY_LDAP_ENABLE_ADMIN_FILTER" mm:"MM_LDAPSETTINGS_ENABLEADMINFILTER" help:"users matching ldap_admin_filter are system admins"`
	LdapAdminFilter                 string `json:"ldap_admin_filter" empty:"ok" env:"PARLEY_LDAP_ADMIN_FILTER" mm:"MM_LDAPSETTINGS_ADMINFILTER" help:"LDAP filter of the users who are system admins"`
	LdapIDAttribute                 string `json:"ldap_id_attribute" env:"PARLEY_LDAP_ID_ATTRIBUTE" mm:"MM_LDAPSETTINGS_IDATTRIBUTE" help:"attribute that identifies a user for good (objectGUID, entryUUID, uid)"`
	LdapUsernameAttribute           string `json:"ldap_username_attribute" env:"PARLEY_LDAP_USERNAME_ATTRIBUTE" mm:"MM_LDAPSETTINGS_USERNAMEATTRIBUTE" help:"attribute that gives the Parley username"`
	LdapLoginIDAttribute            string `json:"ldap_login_id_attribute" env:"PARLEY_LDAP_LOGIN_ID_ATTRIBUTE" mm:"MM_LDAPSETTINGS_LOGINIDATTRIBUTE" help:"attribute users log in with (uid, sAMAccountName, mail)"`
	LdapEmailAttribute              string `json:"ldap_email_attribute" env:"PARLEY_LDAP_EMAIL_ATTRIBUTE" mm:"MM_LDAPSETTINGS_EMAILATTRIBUTE" help:"attribute that gives the email address"`
	LdapFirstNameAttribute          string `json:"ldap_first_name_attribute" empty:"ok" env:"PARLEY_LDAP_FIRST_NAME_ATTRIBUTE" mm:"MM_LDAPSETTINGS_FIRSTNAMEATTRIBUTE" help:"attribute that gives the first name; set, users cannot change it"`
	LdapLastNameAttribute           string `json:"ldap_last_name_attribute" empty:"ok" env:"PARLEY_LDAP_LAST_NAME_ATTRIBUTE" mm:"MM_LDAPSETTINGS_LASTNAMEATTRIBUTE" help:"attribute that gives the last name; set, users cannot change it"`
	LdapNicknameAttribute           string `json:"ldap_nickname_attribute" empty:"ok" env:"PARLEY_LDAP_NICKNAME_ATTRIBUTE" mm:"MM_LDAPSETTINGS_NICKNAMEATTRIBUTE" help:"attribute that gives the nickname; set, users cannot change it"`
	LdapPositionAttribute           string `json:"ldap_position_attribute" empty:"ok" env:"PARLEY_LDAP_POSITION_ATTRIBUTE" mm:"MM_LDAPSETTINGS_POSITIONATTRIBUTE" help:"attribute that gives the position; set, users cannot change it"`
	LdapLoginFieldName              string `json:"ldap_login_field_name" empty:"ok" env:"PARLEY_LDAP_LOGIN_FIELD_NAME" mm:"MM_LDAPSETTINGS_LOGINFIELDNAME" help:"placeholder of the login field on the login page, e.g. AD username"`
	LdapSyncIntervalMinutes         int    `json:"ldap_sync_interval_minutes" env:"PARLEY_LDAP_SYNC_INTERVAL_MINUTES" mm:"MM_LDAPSETTINGS_SYNCINTERVALMINUTES" help:"minutes between directory syncs (with ldap_enable_sync)"`
	LdapQueryTimeout                int    `json:"ldap_query_timeout" env:"PARLEY_LDAP_QUERY_TIMEOUT" mm:"MM_LDAPSETTINGS_QUERYTIMEOUT" help:"seconds an LDAP query may take"`
	LdapMaxPageSize                 int    `json:"ldap_max_page_size" env:"PARLEY_LDAP_MAX_PAGE_SIZE" mm:"MM_LDAPSETTINGS_MAXPAGESIZE" help:"entries per page of a sync search; 0 asks for all at once"`
	GuestAccountsEnable             bool   `json:"guest_accounts_enable" env:"PARLEY_GUEST_ACCOUNTS_ENABLE" mm:"MM_GUESTACCOUNTSSETTINGS_ENABLE" help:"allow guest accounts (POST /users/{id}/demote, ldap_guest_filter): a guest sees only the channels they are added to"`
	GuestAccountsAllowEmailAccounts bool   `json:"guest_accounts_allow_email_accounts" env:"PARLEY_GUEST_ACCOUNTS_ALLOW_EMAIL_ACCOUNTS" mm:"MM_GUESTACCOUNTSSETTINGS_ALLOWEMAILACCOUNTS" help:"guests may log in with email and password (off: only through LDAP)"`
	GuestAccountsRestrictDomains    string `json:"guest_accounts_restrict_creation_to_domains" empty:"ok" env:"PARLEY_GUEST_ACCOUNTS_RESTRICT_CREATION_TO_DOMAINS" mm:"MM_GUESTACCOUNTSSETTINGS_RESTRICTCREATIONTODOMAINS" help:"comma-separated email domains guests must have; accepted for Mattermost compatibility, no effect until Parley has guest invitations"`
	GuestAccountsEnforceMFA         bool   `json:"guest_accounts_enforce_mfa" env:"PARLEY_GUEST_ACCOUNTS_ENFORCE_MFA" mm:"MM_GUESTACCOUNTSSETTINGS_ENFORCEMULTIFACTORAUTHENTICATION" help:"guests must set up multi-factor authentication; accepted for Mattermost compatibility, no effect yet (enforce_mfa covers everyone)"`
	// OpenID Connect sign-in: OpenIdSettings and Mattermost's GitLab, Google and Office 365 presets.
	OpenIDEnable               bool   `json:"openid_enable" env:"PARLEY_OPENID_ENABLE" mm:"MM_OPENIDSETTINGS_ENABLE" help:"users may sign in with an OpenID Connect provider (Keycloak, Authentik, Okta, ...)"`
	OpenIDID                   string `json:"openid_id" env:"PARLEY_OPENID_ID" mm:"MM_OPENIDSETTINGS_ID" help:"client id registered with the OpenID provider"`
	OpenIDSecret               string `json:"openid_secret" empty:"ok" env:"PARLEY_OPENID_SECRET" mm:"MM_OPENIDSETTINGS_SECRET" help:"client secret registered with the OpenID provider"`
	OpenIDDiscoveryEndpoint    string `json:"openid_discovery_endpoint" env:"PARLEY_OPENID_DISCOVERY_ENDPOINT" mm:"MM_OPENIDSETTINGS_DISCOVERYENDPOINT" help:"the provider's .well-known/openid-configuration URL"`
	OpenIDScope                string `json:"openid_scope" env:"PARLEY_OPENID_SCOPE" mm:"MM_OPENIDSETTINGS_SCOPE" help:"space-separated scopes asked for"`
	OpenIDButtonText           string `json:"openid_button_text" empty:"ok" env:"PARLEY_OPENID_BUTTON_TEXT" mm:"MM_OPENIDSETTINGS_BUTTONTEXT" help:"text of the login button"`
	OpenIDButtonColor          string `json:"openid_button_color" env:"PARLEY_OPENID_BUTTON_COLOR" mm:"MM_OPENIDSETTINGS_BUTTONCOLOR" help:"color of the login button"`
	GitLabEnable               bool   `json:"gitlab_enable" env:"PARLEY_GITLAB_ENABLE" mm:"MM_GITLABSETTINGS_ENABLE" help:"users may sign in with GitLab (OpenID Connect)"`
	GitLabID                   string `json:"gitlab_id" env:"PARLEY_GITLAB_ID" mm:"MM_GITLABSETTINGS_ID" help:"GitLab application id"`
	GitLabSecret               string `json:"gitlab_secret" empty:"ok" env:"PARLEY_GITLAB_SECRET" mm:"MM_GITLABSETTINGS_SECRET" help:"GitLab application secret"`
	GitLabDiscoveryEndpoint    string `json:"gitlab_discovery_endpoint" env:"PARLEY_GITLAB_DISCOVERY_ENDPOINT" mm:"MM_GITLABSETTINGS_DISCOVERYENDPOINT" help:"https://<gitlab host>/.well-known/openid-configuration"`
	GoogleEnable               bool   `json:"google_enable" env:"PARLEY_GOOGLE_ENABLE" mm:"MM_GOOGLESETTINGS_ENABLE" help:"users may sign in with Google"`
	GoogleID                   string `json:"google_id" env:"PARLEY_GOOGLE_ID" mm:"MM_GOOGLESETTINGS_ID" help:"Google OAuth client id"`
	GoogleSecret               string `json:"google_secret" empty:"ok" env:"PARLEY_GOOGLE_SECRET" mm:"MM_GOOGLESETTINGS_SECRET" help:"Google OAuth client secret"`
	GoogleDiscoveryEndpoint    string `json:"google_discovery_endpoint" env:"PARLEY_GOOGLE_DISCOVERY_ENDPOINT" mm:"MM_GOOGLESETTINGS_DISCOVERYENDPOINT" empty:"ok" help:"Google's discovery URL; empty uses https://accounts.google.com/.well-known/openid-configuration"`
	Office365Enable            bool   `json:"office365_enable" env:"PARLEY_OFFICE365_ENABLE" mm:"MM_OFFICE365SETTINGS_ENABLE" help:"users may sign in with Microsoft Entra ID (Office 365)"`
	Office365ID                string `json:"office365_id" env:"PARLEY_OFFICE365_ID" mm:"MM_OFFICE365SETTINGS_ID" help:"Entra ID application (client) id"`
	Office365Secret            string `json:"office365_secret" empty:"ok" env:"PARLEY_OFFICE365_SECRET" mm:"MM_OFFICE365SETTINGS_SECRET" help:"Entra ID client secret"`
	Office365DirectoryID       string `json:"office365_directory_id" env:"PARLEY_OFFICE365_DIRECTORY_ID" mm:"MM_OFFICE365SETTINGS_DIRECTORYID" empty:"ok" help:"Entra ID directory (tenant) id; empty (common) allows any tenant"`
	Office365DiscoveryEndpoint string `json:"office365_discovery_endpoint" empty:"ok" env:"PARLEY_OFFICE365_DISCOVERY_ENDPOINT" mm:"MM_OFFICE365SETTINGS_DISCOVERYENDPOINT" help:"discovery URL; empty derives it from office365_directory_id"`
	// SAML 2.0 single sign-on: SamlSettings (docs/identity.md#saml).
	SamlEnable                      bool   `json:"saml_enable" env:"PARLEY_SAML_ENABLE" mm:"MM_SAMLSETTINGS_ENABLE" help:"users may sign in through a SAML 2.0 identity provider (Keycloak, Authentik, Entra ID, Okta, ADFS, ...)"`
	SamlEnableSyncWithLdap          bool   `json:"saml_enable_sync_with_ldap" env:"PARLEY_SAML_ENABLE_SYNC_WITH_LDAP" mm:"MM_SAMLSETTINGS_ENABLESYNCWITHLDAP" help:"accepted for Mattermost compatibility; no effect: SAML accounts take their attributes from each sign-in"`
	SamlVerify                      bool   `json:"saml_verify" env:"PARLEY_SAML_VERIFY" mm:"MM_SAMLSETTINGS_VERIFY" help:"accepted for Mattermost compatibility; Parley always verifies the identity provider's signature, audience and destination"`
	SamlEncrypt                     bool   `json:"saml_encrypt" env:"PARLEY_SAML_ENCRYPT" mm:"MM_SAMLSETTINGS_ENCRYPT" help:"the metadata asks the identity provider to encrypt assertions to saml_public_certificate_file (needs saml_private_key_file)"`
	SamlSignRequest                 bool   `json:"saml_sign_request" env:"PARLEY_SAML_SIGN_REQUEST" mm:"MM_SAMLSETTINGS_SIGNREQUEST" help:"sign authentication requests with saml_private_key_file"`
	SamlIdpURL                      string `json:"saml_idp_url" env:"PARLEY_SAML_IDP_URL" mm:"MM_SAMLSETTINGS_IDPURL" help:"the identity provider's single sign-on URL (SAML SSO URL)"`
	SamlIdpDescriptorURL            string `json:"saml_idp_descriptor_url" env:"PARLEY_SAML_IDP_DESCRIPTOR_URL" mm:"MM_SAMLSETTINGS_IDPDESCRIPTORURL" help:"the identity provider's issuer (entity ID)"`
	SamlIdpMetadataURL              string `json:"saml_idp_metadata_url" empty:"ok" env:"PARLEY_SAML_IDP_METADATA_URL" mm:"MM_SAMLSETTINGS_IDPMETADATAURL" help:"the identity provider's metadata URL, which POST /api/v4/saml/metadatafromidp reads to fill in the settings"`
	SamlServiceProviderIdentifier   string `json:"saml_service_provider_identifier" empty:"ok" env:"PARLEY_SAML_SERVICE_PROVIDER_IDENTIFIER" mm:"MM_SAMLSETTINGS_SERVICEPROVIDERIDENTIFIER" help:"Parley's entity ID, the audience of assertions; empty: the assertion consumer service URL"`
	SamlAssertionConsumerServiceURL string `json:"saml_assertion_consumer_service_url" empty:"ok" env:"PARLEY_SAML_ASSERTION_CONSUMER_SERVICE_URL" mm:"MM_SAMLSETTINGS_ASSERTIONCONSUMERSERVICEURL" help:"where the identity provider posts its answer; empty: <site_url>/login/sso/saml"`
	SamlSignatureAlgorithm          string `json:"saml_signature_algorithm" env:"PARLEY_SAML_SIGNATURE_ALGORITHM" mm:"MM_SAMLSETTINGS_SIGNATUREALGORITHM" help:"signature of requests with saml_sign_request: RSAwithSHA1, RSAwithSHA256 or RSAwithSHA512"`
	SamlCanonicalAlgorithm          string `json:"saml_canonical_algorithm" env:"PARLEY_SAML_CANONICAL_ALGORITHM" mm:"MM_SAMLSETTINGS_CANONICALALGORITHM" help:"canonicalization of signed requests: Canonical1.0 (exclusive) or Canonical1.1"`
	SamlScopingIDPProviderID        string `json:"saml_scoping_idp_provider_id" empty:"ok" env:"PARLEY_SAML_SCOPING_IDP_PROVIDER_ID" mm:"MM_SAMLSETTINGS_SCOPINGIDPPROVIDERID" help:"entity ID of the identity provider a proxying identity provider should delegate to (Scoping)"`
	SamlScopingIDPName              string `json:"saml_scoping_idp_name" empty:"ok" env:"PARLEY_SAML_SCOPING_IDP_NAME" mm:"MM_SAMLSETTINGS_SCOPINGIDPNAME" help:"name of that identity provider"`
	SamlIdpCertificateFile          string `json:"saml_idp_certificate_file" empty:"ok" env:"PARLEY_SAML_IDP_CERTIFICATE_FILE" mm:"MM_SAMLSETTINGS_IDPCERTIFICATEFILE" help:"PEM file of the identity provider's signing certificate; relative to data_dir"`
	SamlPublicCertificateFile       string `json:"saml_public_certificate_file" empty:"ok" env:"PARLEY_SAML_PUBLIC_CERTIFICATE_FILE" mm:"MM_SAMLSETTINGS_PUBLICCERTIFICATEFILE" help:"PEM file of Parley's certificate (encryption, signed requests); relative to data_dir"`
	SamlPrivateKeyFile              string `json:"saml_private_key_file" empty:"ok" env:"PARLEY_SAML_PRIVATE_KEY_FILE" mm:"MM_SAMLSETTINGS_PRIVATEKEYFILE" help:"PEM file of Parley's RSA private key; relative to data_dir"`
	SamlIDAttribute                 string `json:"saml_id_attribute" empty:"ok" env:"PARLEY_SAML_ID_ATTRIBUTE" mm:"MM_SAMLSETTINGS_IDATTRIBUTE" help:"attribute that identifies a user for good; empty: the email address"`
	SamlGuestAttribute              string `json:"saml_guest_attribute" empty:"ok" env:"PARLEY_SAML_GUEST_ATTRIBUTE" mm:"MM_SAMLSETTINGS_GUESTATTRIBUTE" help:"attribute=value that makes a user a guest (with guest_accounts_enable), e.g. usertype=Guest"`
	SamlEnableAdminAttribute        bool   `json:"saml_enable_admin_attribute" env:"PARLEY_SAML_ENABLE_ADMIN_ATTRIBUTE" mm:"MM_SAMLSETTINGS_ENABLEADMINATTRIBUTE" help:"users matching saml_admin_attribute are system admins, others are not"`
	SamlAdminAttribute              string `json:"saml_admin_attribute" empty:"ok" env:"PARLEY_SAML_ADMIN_ATTRIBUTE" mm:"MM_SAMLSETTINGS_ADMINATTRIBUTE" help:"attribute=value of system admins, e.g. isAdmin=true"`
	SamlFirstNameAttribute          string `json:"saml_first_name_attribute" empty:"ok" env:"PARLEY_SAML_FIRST_NAME_ATTRIBUTE" mm:"MM_SAMLSETTINGS_FIRSTNAMEATTRIBUTE" help:"attribute that gives the first name; set, users cannot change it"`
	SamlLastNameAttribute           string `json:"saml_last_name_attribute" empty:"ok" env:"PARLEY_SAML_LAST_NAME_ATTRIBUTE" mm:"MM_SAMLSETTINGS_LASTNAMEATTRIBUTE" help:"attribute that gives the last name; set, users cannot change it"`
	SamlEmailAttribute              string `json:"saml_email_attribute" empty:"ok" env:"PARLEY_SAML_EMAIL_ATTRIBUTE" mm:"MM_SAMLSETTINGS_EMAILATTRIBUTE" help:"attribute that gives the email address"`
	SamlUsernameAttribute           string `json:"saml_username_attribute" empty:"ok" env:"PARLEY_SAML_USERNAME_ATTRIBUTE" mm:"MM_SAMLSETTINGS_USERNAMEATTRIBUTE" help:"attribute that gives the username"`
	SamlNicknameAttribute           string `json:"saml_nickname_attribute" empty:"ok" env:"PARLEY_SAML_NICKNAME_ATTRIBUTE" mm:"MM_SAMLSETTINGS_NICKNAMEATTRIBUTE" help:"attribute that gives the nickname; set, users cannot change it"`
	SamlLocaleAttribute             string `json:"saml_locale_attribute" empty:"ok" env:"PARLEY_SAML_LOCALE_ATTRIBUTE" mm:"MM_SAMLSETTINGS_LOCALEATTRIBUTE" help:"attribute that gives the language (en, de, ...)"`
	SamlPositionAttribute           string `json:"saml_position_attribute" empty:"ok" env:"PARLEY_SAML_POSITION_ATTRIBUTE" mm:"MM_SAMLSETTINGS_POSITIONATTRIBUTE" help:"attribute that gives the position; set, users cannot change it"`
	SamlLoginButtonText             string `json:"saml_login_button_text" env:"PARLEY_SAML_LOGIN_BUTTON_TEXT" mm:"MM_SAMLSETTINGS_LOGINBUTTONTEXT" help:"text of the login button"`
	SamlLoginButtonColor            string `json:"saml_login_button_color" env:"PARLEY_SAML_LOGIN_BUTTON_COLOR" mm:"MM_SAMLSETTINGS_LOGINBUTTONCOLOR" help:"background color of the login button"`
	SamlLoginButtonBorderColor      string `json:"saml_login_button_border_color" env:"PARLEY_SAML_LOGIN_BUTTON_BORDER_COLOR" mm:"MM_SAMLSETTINGS_LOGINBUTTONBORDERCOLOR" help:"border color of the login button"`
	SamlLoginButtonTextColor        string `json:"saml_login_button_text_color" env:"PARLEY_SAML_LOGIN_BUTTON_TEXT_COLOR" mm:"MM_SAMLSETTINGS_LOGINBUTTONTEXTCOLOR" help:"text color of the login button"`
	SamlAllowIDPInitiated           bool   `json:"saml_allow_idp_initiated" env:"PARLEY_SAML_ALLOW_IDP_INITIATED" help:"Parley extension: accept sign-ins the identity provider starts (unsolicited responses); off, only those Parley asked for"`

	// Single sign-on from the official mobile apps (docs/identity.md#mobile-apps).
	AppCustomURLSchemes     string `json:"app_custom_url_schemes" env:"PARLEY_APP_CUSTOM_URL_SCHEMES" mm:"MM_NATIVEAPPSETTINGS_APPCUSTOMURLSCHEMES" help:"space- or comma-separated URL schemes (mmauth://) a mobile app's single sign-on may return its session token to; other redirect_to addresses are refused"`
	SessionLengthMobileDays int    `json:"session_length_mobile_days" env:"PARLEY_SESSION_LENGTH_MOBILE_DAYS" mm:"MM_SERVICESETTINGS_SESSIONLENGTHMOBILEINDAYS" help:"days a login from a mobile app lasts (single sign-on from the app, or a login naming a device_id)"`

	// Custom user groups (/api/v4/groups) and their @group mentions.
	EnableCustomGroups bool `json:"enable_custom_groups" env:"PARLEY_ENABLE_CUSTOM_GROUPS" mm:"MM_SERVICESETTINGS_ENABLECUSTOMGROUPS" help:"members may create user groups that an @name mentions; off, the groups routes answer 400 api.custom_groups.feature_disabled"`
}

// Default returns the configuration Parley runs with when nothing is set.
func Default() Config {
	return Config{
		Listen:                 ":8065",
		DataDir:                "./data",
		SiteName:               "Parley",
		LogLevel:               "info",
		LogFormat:              "text",
		MetricsListen:          "127.0.0.1:8067",
		ShutdownTimeout:        30,
		RateLimitEnabled:       true,
		RateLimitPerSec:        50,
		RateLimitBurst:         200,
		TrustedProxies:         "127.0.0.0/8 ::1",
		EnableOpenServer:       true,
		EnableUserCreation:     true,
		EnableTeamCreation:     true,
		EnableUserAccessTokens: true,
		EnableUserDeactivation: false,
		ShowEmailAddress:       true,
		ShowFullName:           true,
		SessionLengthDays:      30,
		PasswordMinLength:      8,
		MaxLoginAttempts:       10,
		MaxRequestBodyKB:       1024,
		PostEditTimeLimitSec:   -1,
		MaxUsersPerTeam:        50000,
		SearchLanguage:         "english",

		// Mattermost's schemes: its apps and their beta builds.
		AppCustomURLSchemes:     "mmauth:// mmauthbeta://",
		SessionLengthMobileDays: 30,

		UserStatusAwayTimeoutSec: 300,
		EnableFileAttachments:    true,
		MaxFileSize:              100 << 20,
		MaxImagePixels:           7680 * 4320, // Mattermost's default: 8K, 33 megapixels
		MaxImageDecodeMB:         256,
		MaxImageDecoders:         -1,
		EnableCustomEmoji:        true,
		EnableCustomUserStatuses: true,
		EnableIncomingWebhooks:   true,
		EnableOutgoingWebhooks:   true,
		EnableCommands:           true,
		EnableLinkPreviews:       true,
		AllowSyncedDrafts:        true,
		IntegrationTimeoutSec:    30,

		LoginLockoutMinutes:            30,
		RevokeSessionsOnPasswordChange: true,
		EnableMFA:                      true,

		SMTPPort:              "10025",
		FeedbackName:          "Parley",
		EnableSignUpWithEmail: true,
		EmailBatchingInterval: 30,

		SendPushNotifications:    true,
		EnableWebPush:            true,
		PushNotificationContents: "full",

		FileDriver:            FileDriverLocal,
		S3Endpoint:            "s3.amazonaws.com",
		S3SSL:                 true,
		S3RequestTimeoutMS:    30000,
		S3UploadPartSizeBytes: 5 << 20, // Mattermost's default

		ExportRetentionDays: 30,
		ImportRetentionDays: 30,

		MessageExportFormat:       "actiance",
		MessageExportDailyRunTime: "01:00",
		MessageExportBatchSize:    10000,
		CollapsedThreads:          CollapsedThreadsDefaultOn,
		ThreadAutoFollow:          true,

		AuditSyslogHost:         "localhost",
		AuditSyslogPort:         6514,
		AuditSyslogProtocol:     "tls",
		AuditSyslogTag:          "parley",
		AuditSyslogMaxQueueSize: 1000,

		LdapPort:                        389,
		LdapSyncIntervalMinutes:         60,
		LdapQueryTimeout:                60,
		GuestAccountsAllowEmailAccounts: true,

		OpenIDScope:       "profile openid email",
		OpenIDButtonColor: "#145DBF",

		SamlVerify:                             true,
		SamlEncrypt:                            true,
		SamlSignatureAlgorithm:                 "RSAwithSHA1",
		SamlCanonicalAlgorithm:                 "Canonical1.0",
		SamlLoginButtonText:                    "SAML",
		SamlLoginButtonColor:                   "#34a28b",
		SamlLoginButtonBorderColor:             "#2389D7",
		SamlLoginButtonTextColor:               "#ffffff",
		EnableCustomGroups:                     true,
		CustomTermsOfServiceReAcceptancePeriod: 365,
	}
}

// Load builds the configuration: defaults, then file (if path is not empty), then
// environment from getenv. The result is validated.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config file: %w", err)
		}
		if err := decodeFile(b, &c); err != nil {
			return c, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Setting describes one setting for flags, help and the CLI.
type Setting struct {
	Key     string // json name
	Env     string
	MM      string // Mattermost's environment variable for the same setting, if any
	Help    string
	Kind    reflect.Kind
	Restart bool // takes effect only at start; a reload keeps the running value
	EmptyOK bool // empty has a meaning (off, none, the default path): a variable set to "" applies it
}

// Settings lists every setting in declaration order.
func Settings() []Setting {
	t := reflect.TypeOf(Config{})
	out := make([]Setting, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		out = append(out, Setting{Key: f.Tag.Get("json"), Env: f.Tag.Get("env"), MM: f.Tag.Get("mm"), Help: f.Tag.Get("help"),
			Kind: f.Type.Kind(), Restart: f.Tag.Get("restart") == "true", EmptyOK: f.Tag.Get("empty") == "ok"})
	}
	return out
}

// Set changes the setting named by its json key from text.
func (c *Config) Set(key, value string) error {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") != key {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(value)
		case reflect.Bool:
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("setting %s: %q is not true or false", key, value)
			}
			f.SetBool(b)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || (f.Kind() == reflect.Int && int64(int(n)) != n) {
				return fmt.Errorf("setting %s: %q is not a whole number", key, value)
			}
			f.SetInt(n)
		}
		return nil
	}
	return fmt.Errorf("unknown setting %q", key)
}

// Get returns a setting's value as text.
func (c *Config) Get(key string) (string, error) {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") == key {
			return fmt.Sprint(v.Field(i).Interface()), nil
		}
	}
	return "", fmt.Errorf("unknown setting %q", key)
}

// EmptyValue is what Getenv returns for a variable set to the empty string.
// An environment value cannot hold NUL, so it never stands for a real value.
const EmptyValue = "\x00"

// Getenv is os.Getenv for Load, except that a variable set to "" reads as
// EmptyValue: PARLEY_METRICS_LISTEN= then turns metrics off instead of being
// taken for unset.
func Getenv(name string) string {
	if v, ok := os.LookupEnv(name); ok && v == "" {
		return EmptyValue
	}
	return os.Getenv(name)
}

// applyEnv applies PARLEY_* variables, and Mattermost's MM_* names for the same
// settings so existing unit and compose files keep working; PARLEY_* wins.
// A variable set to "" (EmptyValue) empties the settings where empty has a
// meaning (EmptyOK) and is ignored for the others.
func (c *Config) applyEnv(getenv func(string) string) error {
	for _, s := range Settings() {
		name, val, set := "", "", false
		for _, n := range []string{s.Env, s.MM} {
			if n == "" {
				continue
			}
			if v := getenv(n); v == EmptyValue && s.EmptyOK {
				name, set = n, true
				break
			} else if v != "" && v != EmptyValue {
				name, val, set = n, v, true
				break
			}
		}
		if !set {
			continue
		}
		if s.Key == "log_level" && name == s.MM {
			val = strings.ToLower(val)
		}
		if err := c.Set(s.Key, val); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// Reloadable returns next with every restart-only setting taken from c, so a
// reload changes only what can change while running.
func (c *Config) Reloadable(next Config) Config {
	cur := reflect.ValueOf(c).Elem()
	nv := reflect.ValueOf(&next).Elem()
	t := cur.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("restart") == "true" {
			nv.Field(i).Set(cur.Field(i))
		}
	}
	return next
}

// Validate names the first setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %q is not host:port (%v)", c.Listen, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("listen: port %q is not a number from 0 to 65535", port))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir: must not be empty"))
	}
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") &&
		!strings.HasPrefix(c.Database, "sqlite:") {
		errs = append(errs, fmt.Errorf("database: %q is neither empty (SQLite), sqlite:PATH, nor a postgres:// URL", c.Database))
	}
	if c.SiteURL != "" {
		u, err := url.Parse(c.SiteURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("site_url: %q is not an http(s) URL", c.SiteURL))
		}
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics_listen: %q is not host:port", c.MetricsListen))
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("tls_cert_file, tls_key_file: set both or neither"))
	}
	if c.TLSAutocert && (c.TLSCertFile != "" || c.SiteURL == "") {
		errs = append(errs, errors.New("tls_autocert: needs site_url and no tls_cert_file"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log_format: %q is not text or json", c.LogFormat))
	}
	if c.ExportRetentionDays < 0 {
		errs = append(errs, errors.New("export_retention_days: must not be negative"))
	}
	if c.ImportRetentionDays < 0 {
		errs = append(errs, errors.New("import_retention_days: must not be negative"))
	}
	switch c.MessageExportFormat {
	case "csv", "actiance", "globalrelay-zip":
	default:
		errs = append(errs, fmt.Errorf("message_export_format: %q is not csv, actiance or globalrelay-zip", c.MessageExportFormat))
	}
	if _, err := time.Parse("15:04", c.MessageExportDailyRunTime); err != nil {
		errs = append(errs, fmt.Errorf("message_export_daily_run_time: %q is not a time of day HH:MM", c.MessageExportDailyRunTime))
	}
	if c.MessageExportBatchSize < 1 {
		errs = append(errs, errors.New("message_export_batch_size: must be at least 1"))
	}
	if c.MessageExportFromTimestamp < 0 {
		errs = append(errs, errors.New("message_export_from_timestamp: must not be negative"))
	}
	if c.CustomTermsOfServiceReAcceptancePeriod < 1 {
		errs = append(errs, errors.New("custom_terms_of_service_re_acceptance_period: must be at least 1 day"))
	}
	if c.LoginLockoutMinutes < 0 {
		errs = append(errs, errors.New("login_lockout_minutes: must not be negative"))
	}
	errs = append(errs, c.validateCluster()...)
	errs = append(errs, c.validateS3()...)
	if c.EnforceMFA && !c.EnableMFA {
		errs = append(errs, errors.New("enforce_mfa: needs enable_mfa"))
	}
	switch c.SMTPConnectionSecurity {
	case "", "TLS", "STARTTLS":
	default:
		errs = append(errs, fmt.Errorf("smtp_connection_security: %q is not empty, TLS or STARTTLS", c.SMTPConnectionSecurity))
	}
	if c.SMTPServer != "" {
		if n, err := strconv.Atoi(c.SMTPPort); err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("smtp_port: %q is not a port from 1 to 65535", c.SMTPPort))
		}
	}
	switch c.PushNotificationContents {
	case "generic_no_channel", "generic", "full", "id_loaded":
	default:
		errs = append(errs, fmt.Errorf("push_notification_contents: %q is not generic_no_channel, generic, full or id_loaded", c.PushNotificationContents))
	}
	if c.PushNotificationServer != "" {
		if u, err := url.Parse(c.PushNotificationServer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("push_notification_server: %q is not an http(s) URL", c.PushNotificationServer))
		}
	}
	switch c.CollapsedThreads {
	case CollapsedThreadsDisabled, CollapsedThreadsDefaultOff, CollapsedThreadsDefaultOn, CollapsedThreadsAlwaysOn:
		if c.CollapsedThreads != CollapsedThreadsDisabled && !c.ThreadAutoFollow {
			errs = append(errs, errors.New("collapsed_threads: needs thread_auto_follow unless disabled"))
		}
	default:
		errs = append(errs, fmt.Errorf("collapsed_threads: %q is not disabled, default_off, default_on or always_on", c.CollapsedThreads))
	}
	if c.EmailBatchingInterval < 1 {
		errs = append(errs, errors.New("email_batching_interval: must be at least 1"))
	}
	errs = append(errs, c.validateLdap()...)
	errs = append(errs, c.validateSaml()...)
	errs = append(errs, c.validateAuditSyslog()...)
	if c.ShutdownTimeout < 1 {
		errs = append(errs, errors.New("shutdown_timeout_seconds: must be at least 1"))
	}
	if c.RateLimitEnabled && (c.RateLimitPerSec < 1 || c.RateLimitBurst < 1) {
		errs = append(errs, errors.New("rate_limit_per_sec, rate_limit_burst: must be at least 1"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.SessionLengthDays < 1 {
		errs = append(errs, errors.New("session_length_days: must be at least 1"))
	}
	if c.SessionLengthMobileDays < 1 {
		errs = append(errs, errors.New("session_length_mobile_days: must be at least 1"))
	}
	if c.PasswordMinLength < 5 || c.PasswordMinLength > 72 {
		errs = append(errs, errors.New("password_min_length: must be from 5 to 72"))
	}
	if c.MaxLoginAttempts < 1 {
		errs = append(errs, errors.New("max_login_attempts: must be at least 1"))
	}
	if c.MaxRequestBodyKB < 16 {
		errs = append(errs, errors.New("max_request_body_kb: must be at least 16"))
	}
	if c.MaxUsersPerTeam < 1 {
		errs = append(errs, errors.New("max_users_per_team: must be at least 1"))
	}
	if !languageName.MatchString(c.SearchLanguage) {
		errs = append(errs, fmt.Errorf("search_language: %q is not a language name such as english or simple", c.SearchLanguage))
	}
	if c.UserStatusAwayTimeoutSec < 1 {
		errs = append(errs, errors.New("user_status_away_timeout: must be at least 1"))
	}
	if c.MaxFileSize < 1 {
		errs = append(errs, errors.New("max_file_size: must be at least 1 byte"))
	}
	if c.MaxImagePixels < 1 {
		errs = append(errs, errors.New("max_image_pixels: must be at least 1"))
	}
	if c.MaxImageDecodeMB < 1 {
		errs = append(errs, errors.New("max_image_decode_mb: must be at least 1"))
	}
	if c.MaxImageDecoders == 0 || c.MaxImageDecoders < -1 {
		errs = append(errs, errors.New("max_image_decoder_concurrency: must be -1 (one per CPU) or at least 1"))
	}
	for _, t := range c.FileTypes() {
		if strings.ContainsAny(t, " ;") || strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") {
			errs = append(errs, fmt.Errorf("allowed_file_types: %q is neither an extension nor a MIME type", t))
		}
	}
	if c.IntegrationTimeoutSec < 1 || c.IntegrationTimeoutSec > 300 {
		errs = append(errs, errors.New("integration_timeout_seconds: must be from 1 to 300"))
	}
	for _, h := range c.ProxyIPHeaders() {
		if !headerName.MatchString(h) {
			errs = append(errs, fmt.Errorf("trusted_proxy_ip_header: %q is not a header name", h))
		}
	}
	if _, err := c.TrustedProxyPrefixes(); err != nil {
		errs = append(errs, err)
	}
	for _, h := range c.InternalHosts() {
		if strings.ContainsAny(h, "/") {
			if _, err := netip.ParsePrefix(h); err != nil {
				errs = append(errs, fmt.Errorf("allowed_internal_hosts: %q is not a CIDR", h))
			}
		}
	}
	return errors.Join(errs...)
}

// FileTypes is allowed_file_types as a list: lower-case extensions without
// the dot, and MIME types (type/subtype or type/*). Empty allows every type.
func (c *Config) FileTypes() []string {
	var out []string
	for _, t := range strings.Split(c.AllowedFileTypes, ",") {
		if t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), ".")); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// InternalHosts splits allowed_internal_hosts into its entries.
func (c *Config) InternalHosts() []string {
	return splitList(c.AllowedInternalHosts)
}

// ProxyIPHeaders splits trusted_proxy_ip_header into header names.
func (c *Config) ProxyIPHeaders() []string { return splitList(c.TrustedProxyIPHeader) }

// MobileURLSchemes are the schemes (with "://") of AppCustomURLSchemes.
func (c *Config) MobileURLSchemes() []string { return splitList(c.AppCustomURLSchemes) }

// TrustedProxyPrefixes parses trusted_proxies; a plain address is a one-address prefix.
func (c *Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, e := range splitList(c.TrustedProxies) {
		if p, err := netip.ParsePrefix(e); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(e); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			return nil, fmt.Errorf("trusted_proxies: %q is neither an IP address nor a CIDR", e)
		}
	}
	return out, nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

// headerName is an HTTP header field name (an RFC 9110 token).
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")

// FilesPath is where uploaded files live.
func (c *Config) FilesPath() string {
	if c.FilesDir != "" {
		return c.FilesDir
	}
	return filepath.Join(c.DataDir, "files")
}

// languageName is the shape of a text search language; whether the database
// knows it is checked when the store opens.
var languageName = regexp.MustCompile(`^[a-z_]+$`)

// SitePath is the path prefix of the site URL ("" at the root).
func (c *Config) SitePath() string {
	if c.SiteURL == "" {
		return ""
	}
	u, err := url.Parse(c.SiteURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// ImageDecoderConcurrency is how many images may be decoded at once.
func (c *Config) ImageDecoderConcurrency() int {
	if c.MaxImageDecoders < 1 {
		return runtime.NumCPU()
	}
	return c.MaxImageDecoders
}

// The values of collapsed_threads, Mattermost's ServiceSettings.CollapsedThreads.
const (
	CollapsedThreadsDisabled   = "disabled"
	CollapsedThreadsDefaultOff = "default_off"
	CollapsedThreadsDefaultOn  = "default_on"
	CollapsedThreadsAlwaysOn   = "always_on"
)

// MailEnabled reports whether an SMTP server is set, so that mail can be sent
// at all.
func (c *Config) MailEnabled() bool { return c.SMTPServer != "" }

// clusterName is what may stand in a NATS stream or bucket name.
var clusterName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// nodeName is what may stand in a NATS key-value key.
var nodeName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)

// Clustered reports whether this node runs in a cluster.
func (c *Config) Clustered() bool { return c.ClusterNATSURL != "" }

// Postgres reports whether the database is PostgreSQL.
func (c *Config) Postgres() bool {
	return strings.HasPrefix(c.Database, "postgres://") || strings.HasPrefix(c.Database, "postgresql://")
}

func (c *Config) validateCluster() []error {
	var errs []error
	if c.ClusterEnable && c.ClusterNATSURL == "" {
		errs = append(errs, errors.New("cluster_enable: cluster mode needs cluster_nats_url (PARLEY_CLUSTER_NATS_URL)"))
	}
	if c.ClusterName != "" && !clusterName.MatchString(c.ClusterName) {
		errs = append(errs, fmt.Errorf("cluster_name: %q must be 1 to 64 letters, digits, - or _", c.ClusterName))
	}
	if c.NodeName != "" && !nodeName.MatchString(c.NodeName) {
		errs = append(errs, fmt.Errorf("node_name: %q must be 1 to 128 letters, digits, ., - or _", c.NodeName))
	}
	if !c.Clustered() {
		return errs
	}
	if u, err := url.Parse(c.ClusterNATSURL); err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
		errs = append(errs, fmt.Errorf("cluster_nats_url: %q is not a nats:// or tls:// URL", c.ClusterNATSURL))
	}
	if !c.Postgres() {
		errs = append(errs, errors.New("cluster_nats_url: cluster mode needs PostgreSQL (database = postgres://...); "+
			"SQLite is a file of one node and cannot be shared"))
	}
	return errs
}

func (c *Config) validateAuditSyslog() []error {
	var errs []error
	switch c.AuditSyslogProtocol {
	case "tls", "tcp", "udp":
	default:
		errs = append(errs, fmt.Errorf("audit_syslog_protocol: %q is not tls, tcp or udp", c.AuditSyslogProtocol))
	}
	if c.AuditSyslogPort < 1 || c.AuditSyslogPort > 65535 {
		errs = append(errs, errors.New("audit_syslog_port: must be from 1 to 65535"))
	}
	if c.AuditSyslogMaxQueueSize < 1 {
		errs = append(errs, errors.New("audit_syslog_max_queue_size: must be at least 1"))
	}
	return errs
}

func (c *Config) validateLdap() []error {
	var errs []error
	switch c.LdapConnectionSecurity {
	case "", "TLS", "STARTTLS":
	default:
		errs = append(errs, fmt.Errorf("ldap_connection_security: %q is not empty, TLS or STARTTLS", c.LdapConnectionSecurity))
	}
	if c.LdapPort < 1 || c.LdapPort > 65535 {
		errs = append(errs, errors.New("ldap_port: must be from 1 to 65535"))
	}
	if c.LdapSyncIntervalMinutes < 1 {
		errs = append(errs, errors.New("ldap_sync_interval_minutes: must be at least 1"))
	}
	if c.LdapQueryTimeout < 1 {
		errs = append(errs, errors.New("ldap_query_timeout: must be at least 1"))
	}
	if c.LdapMaxPageSize < 0 {
		errs = append(errs, errors.New("ldap_max_page_size: must not be negative"))
	}
	if c.LdapEnable && (c.LdapServer == "" || c.LdapBaseDN == "" || c.LdapIDAttribute == "" ||
		c.LdapUsernameAttribute == "" || c.LdapLoginIDAttribute == "" || c.LdapEmailAttribute == "") {
		errs = append(errs, errors.New("ldap_enable: needs ldap_server, ldap_base_dn and the id, username, login id and email attributes"))
	}
	return errs
}

func (c *Config) validateSaml() []error {
	var errs []error
	switch c.SamlSignatureAlgorithm {
	case "RSAwithSHA1", "RSAwithSHA256", "RSAwithSHA512":
	default:
		errs = append(errs, fmt.Errorf("saml_signature_algorithm: %q is not RSAwithSHA1, RSAwithSHA256 or RSAwithSHA512", c.SamlSignatureAlgorithm))
	}
	switch c.SamlCanonicalAlgorithm {
	case "Canonical1.0", "Canonical1.1":
	default:
		errs = append(errs, fmt.Errorf("saml_canonical_algorithm: %q is not Canonical1.0 or Canonical1.1", c.SamlCanonicalAlgorithm))
	}
	for _, f := range []struct{ key, v string }{{"saml_idp_url", c.SamlIdpURL}, {"saml_idp_metadata_url", c.SamlIdpMetadataURL},
		{"saml_assertion_consumer_service_url", c.SamlAssertionConsumerServiceURL}} {
		if f.v == "" {
			continue
		}
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an http(s) URL", f.key, f.v))
		}
	}
	if !c.SamlEnable {
		return errs
	}
	if c.SamlIdpURL == "" || c.SamlIdpDescriptorURL == "" || c.SamlIdpCertificateFile == "" {
		errs = append(errs, errors.New("saml_enable: needs saml_idp_url, saml_idp_descriptor_url and saml_idp_certificate_file"))
	}
	if c.SamlEmailAttribute == "" || c.SamlUsernameAttribute == "" {
		errs = append(errs, errors.New("saml_email_attribute, saml_username_attribute: needed with saml_enable"))
	}
	if (c.SamlEncrypt || c.SamlSignRequest) && (c.SamlPrivateKeyFile == "" || c.SamlPublicCertificateFile == "") {
		errs = append(errs, errors.New("saml_private_key_file, saml_public_certificate_file: needed with saml_encrypt or saml_sign_request"))
	}
	if c.SamlEnableAdminAttribute && !strings.Contains(c.SamlAdminAttribute, "=") {
		errs = append(errs, fmt.Errorf("saml_admin_attribute: %q is not attribute=value", c.SamlAdminAttribute))
	}
	if c.SamlGuestAttribute != "" && !strings.Contains(c.SamlGuestAttribute, "=") {
		errs = append(errs, fmt.Errorf("saml_guest_attribute: %q is not attribute=value", c.SamlGuestAttribute))
	}
	return errs
}

// Cluster is the cluster's name.
func (c *Config) Cluster() string {
	if c.ClusterName == "" {
		return "parley"
	}
	return c.ClusterName
}

// Node is this node's name in the cluster.
func (c *Config) Node() string {
	if c.NodeName != "" {
		return c.NodeName
	}
	if h, err := os.Hostname(); err == nil && nodeName.MatchString(h) {
		return h
	}
	return "node"
}

// PushEnabled reports whether push notifications go out: switched on and a
// push proxy named.
func (c *Config) PushEnabled() bool { return c.SendPushNotifications && c.PushNotificationServer != "" }

// WebPushEnabled reports whether Web Push goes out to subscribed browsers.
func (c *Config) WebPushEnabled() bool { return c.SendPushNotifications && c.EnableWebPush }

// UnknownMattermostEnv lists the MM_* variables of environ (KEY=value
// entries, as os.Environ gives) that name no Parley setting, sorted, so the
// server can warn about them: a Mattermost setting carried over in a unit or
// compose file would otherwise be ignored without a word.
func UnknownMattermostEnv(environ []string) []string {
	known := map[string]bool{}
	for _, s := range Settings() {
		if s.MM != "" {
			known[s.MM] = true
		}
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "MM_") && !known[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// The values of file_driver, Mattermost's FileSettings.DriverName.
const (
	FileDriverLocal = "local"
	FileDriverS3    = "amazons3"
)

// minS3PartSize is S3's smallest part of a multipart upload but the last.
const minS3PartSize = 5 << 20

func (c *Config) validateS3() []error {
	var errs []error
	switch c.FileDriver {
	case FileDriverLocal:
	case FileDriverS3:
		if c.S3Bucket == "" {
			errs = append(errs, errors.New("s3_bucket: file_driver amazons3 needs a bucket"))
		}
		if h, err := url.Parse("//" + c.S3Endpoint); c.S3Endpoint == "" || err != nil || h.Host != c.S3Endpoint {
			errs = append(errs, fmt.Errorf("s3_endpoint: %q is not host[:port]", c.S3Endpoint))
		}
	default:
		errs = append(errs, fmt.Errorf("file_driver: %q is not local or amazons3", c.FileDriver))
	}
	if c.S3RequestTimeoutMS < 1 {
		errs = append(errs, errors.New("s3_request_timeout_ms: must be at least 1"))
	}
	if c.S3UploadPartSizeBytes < minS3PartSize {
		errs = append(errs, fmt.Errorf("s3_upload_part_size_bytes: must be at least %d (5 MiB)", minS3PartSize))
	}
	for _, r := range c.Replicas() {
		if !strings.HasPrefix(r, "postgres://") && !strings.HasPrefix(r, "postgresql://") {
			errs = append(errs, fmt.Errorf("database_replicas: %q is not a postgres:// URL", r))
		}
	}
	if len(c.Replicas()) > 0 && !c.Postgres() {
		errs = append(errs, errors.New("database_replicas: read replicas need a PostgreSQL database"))
	}
	return errs
}

// Replicas lists the data sources of the read replicas.
func (c *Config) Replicas() []string { return splitList(c.DatabaseReplicas) }
