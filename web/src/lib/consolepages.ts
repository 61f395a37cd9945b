// The System Console's configuration pages: which settings of Mattermost's
// configuration document (GET /api/v4/config) each page shows, with
// Mattermost's labels. A setting the server's document lacks is not shown.
export interface Field {
  section: string
  name: string
  label: string
  kind: 'bool' | 'number' | 'text' | 'secret' | 'select' | 'list'
  help?: string
  options?: readonly (readonly [string, string])[]
}
export interface ConsolePage { id: string; title: string; intro?: string; fields: Field[] }

const f = (section: string, name: string, label: string, kind: Field['kind'], help?: string, options?: Field['options']): Field =>
  ({ section, name, label, kind, help, options })

const security = [['', 'None'], ['TLS', 'TLS'], ['STARTTLS', 'STARTTLS']] as const

export const CONSOLE_PAGES: ConsolePage[] = [
  { id: 'site', title: 'Site configuration', fields: [
    f('TeamSettings', 'SiteName', 'Site name', 'text', 'Shown in the browser tab, emails and the login page.'),
    f('ServiceSettings', 'SiteURL', 'Site URL', 'text', 'The address users reach the server at, used in links of emails and notifications.'),
    f('ServiceSettings', 'ListenAddress', 'Listen address', 'text', 'Address and port the server binds to (restart needed).'),
    f('LocalizationSettings', 'DefaultServerLocale', 'Default server language', 'text'),
    f('ServiceSettings', 'EnableCustomEmoji', 'Enable custom emoji', 'bool'),
    f('ServiceSettings', 'EnableLinkPreviews', 'Enable website link previews', 'bool'),
    f('ServiceSettings', 'PostEditTimeLimit', 'Post edit time limit (seconds)', 'number', '-1 allows editing at any time.'),
    f('ServiceSettings', 'AllowSyncedDrafts', 'Sync drafts across devices', 'bool'),
    f('TeamSettings', 'EnableCustomUserStatuses', 'Enable custom statuses', 'bool'),
    f('TeamSettings', 'UserStatusAwayTimeout', 'Away after (seconds of inactivity)', 'number'),
    f('TeamSettings', 'ExperimentalViewArchivedChannels', 'Allow users to view archived channels', 'bool'),
    f('LogSettings', 'ConsoleLevel', 'Console log level', 'select', undefined, [['DEBUG', 'DEBUG'], ['INFO', 'INFO'], ['WARN', 'WARN'], ['ERROR', 'ERROR']]),
  ] },
  { id: 'users_teams', title: 'Users and teams', fields: [
    f('TeamSettings', 'MaxUsersPerTeam', 'Max users per team', 'number'),
    f('TeamSettings', 'EnableUserCreation', 'Enable account creation', 'bool'),
    f('TeamSettings', 'EnableOpenServer', 'Enable open server', 'bool', 'Anyone can sign up without an invitation.'),
    f('TeamSettings', 'EnableTeamCreation', 'Enable team creation', 'bool'),
    f('TeamSettings', 'RestrictDirectMessage', 'Enable users to open direct message channels with', 'select', undefined, [['any', 'Any user on the server'], ['team', 'Any member of the team']]),
    f('TeamSettings', 'EnableUserDeactivation', 'Enable account deactivation by users', 'bool'),
    f('ServiceSettings', 'EnableAPIUserDeletion', 'Enable API user deletion', 'bool'),
    f('ServiceSettings', 'EnableAPIChannelDeletion', 'Enable API channel deletion', 'bool'),
    f('PrivacySettings', 'ShowEmailAddress', 'Show email address', 'bool'),
    f('PrivacySettings', 'ShowFullName', 'Show full name', 'bool'),
  ] },
  { id: 'authentication', title: 'Authentication', fields: [
    f('EmailSettings', 'EnableSignUpWithEmail', 'Enable account creation with email', 'bool'),
    f('EmailSettings', 'RequireEmailVerification', 'Require email verification', 'bool'),
    f('PasswordSettings', 'MinimumLength', 'Minimum password length', 'number'),
    f('PasswordSettings', 'Lowercase', 'At least one lowercase letter', 'bool'),
    f('PasswordSettings', 'Uppercase', 'At least one uppercase letter', 'bool'),
    f('PasswordSettings', 'Number', 'At least one number', 'bool'),
    f('PasswordSettings', 'Symbol', 'At least one symbol', 'bool'),
    f('ServiceSettings', 'MaximumLoginAttempts', 'Maximum login attempts', 'number'),
    f('ServiceSettings', 'SessionLengthWebInDays', 'Session length for web (days)', 'number'),
    f('ServiceSettings', 'TerminateSessionsOnPasswordChange', 'Terminate sessions on password change', 'bool'),
    f('ServiceSettings', 'EnableMultifactorAuthentication', 'Enable multi-factor authentication', 'bool'),
    f('ServiceSettings', 'EnforceMultifactorAuthentication', 'Enforce multi-factor authentication', 'bool'),
    f('ServiceSettings', 'EnableUserAccessTokens', 'Enable personal access tokens', 'bool'),
    f('OpenIdSettings', 'Enable', 'OpenID Connect: enable', 'bool'),
    f('OpenIdSettings', 'DiscoveryEndpoint', 'OpenID Connect: discovery endpoint', 'text'),
    f('OpenIdSettings', 'Id', 'OpenID Connect: client ID', 'text'),
    f('OpenIdSettings', 'Secret', 'OpenID Connect: client secret', 'secret'),
    f('OpenIdSettings', 'ButtonText', 'OpenID Connect: button name', 'text'),
    f('GitLabSettings', 'Enable', 'GitLab: enable', 'bool'),
    f('GitLabSettings', 'Id', 'GitLab: application ID', 'text'),
    f('GitLabSettings', 'Secret', 'GitLab: application secret', 'secret'),
    f('GitLabSettings', 'DiscoveryEndpoint', 'GitLab: site URL', 'text'),
    f('LdapSettings', 'Enable', 'AD/LDAP: enable sign-in', 'bool'),
    f('LdapSettings', 'LdapServer', 'AD/LDAP server', 'text'),
    f('LdapSettings', 'LdapPort', 'AD/LDAP port', 'number'),
    f('LdapSettings', 'ConnectionSecurity', 'AD/LDAP connection security', 'select', undefined, security),
    f('LdapSettings', 'BaseDN', 'Base DN', 'text'),
    f('LdapSettings', 'BindUsername', 'Bind username', 'text'),
    f('LdapSettings', 'BindPassword', 'Bind password', 'secret'),
  ] },
  { id: 'email', title: 'Email', fields: [
    f('EmailSettings', 'FeedbackName', 'Notification display name', 'text'),
    f('EmailSettings', 'FeedbackEmail', 'Notification from address', 'text'),
    f('EmailSettings', 'ReplyToAddress', 'Notification reply-to address', 'text'),
    f('EmailSettings', 'SMTPServer', 'SMTP server', 'text'),
    f('EmailSettings', 'SMTPPort', 'SMTP server port', 'text'),
    f('EmailSettings', 'ConnectionSecurity', 'Connection security', 'select', undefined, security),
    f('EmailSettings', 'EnableSMTPAuth', 'Enable SMTP authentication', 'bool'),
    f('EmailSettings', 'SMTPUsername', 'SMTP server username', 'text'),
    f('EmailSettings', 'SMTPPassword', 'SMTP server password', 'secret'),
    f('EmailSettings', 'SkipServerCertificateVerification', 'Skip server certificate verification', 'bool'),
  ] },
  { id: 'notifications', title: 'Notifications', fields: [
    f('EmailSettings', 'SendEmailNotifications', 'Enable email notifications', 'bool'),
    f('EmailSettings', 'EnableEmailBatching', 'Enable email batching', 'bool'),
    f('EmailSettings', 'EmailBatchingInterval', 'Email batching interval (seconds)', 'number'),
    f('EmailSettings', 'SendPushNotifications', 'Enable push notifications', 'bool'),
    f('EmailSettings', 'PushNotificationServer', 'Push notification server', 'text'),
    f('EmailSettings', 'PushNotificationContents', 'Push notification contents', 'select', undefined, [['generic_no_channel', 'Generic description with only sender name'], ['generic', 'Generic description with sender and channel names'], ['full', 'Full message content sent in the notification payload'], ['id_loaded', 'Full message content fetched from the server on receipt']]),
    f('TeamSettings', 'MaxNotificationsPerChannel', 'Max notifications per channel', 'number'),
    f('TeamSettings', 'EnableConfirmNotificationsToChannel', 'Show @channel, @all and @here confirmation dialog', 'bool'),
  ] },
  { id: 'threads', title: 'Threads', intro: 'Collapsed reply threads and thread following.', fields: [
    f('ServiceSettings', 'CollapsedThreads', 'Collapsed reply threads', 'select', undefined, [['disabled', 'Disabled'], ['default_off', 'Default off'], ['default_on', 'Default on'], ['always_on', 'Always on']]),
    f('ServiceSettings', 'ThreadAutoFollow', 'Automatically follow threads', 'bool'),
  ] },
  { id: 'files', title: 'File storage', fields: [
    f('FileSettings', 'EnableFileAttachments', 'Allow file sharing', 'bool'),
    f('FileSettings', 'MaxFileSize', 'Maximum file size (bytes)', 'number'),
    f('FileSettings', 'MaxImageResolution', 'Maximum image resolution (pixels)', 'number'),
    f('FileSettings', 'MaxImageDecoderConcurrency', 'Maximum image decoder concurrency', 'number'),
    f('FileSettings', 'DriverName', 'File storage system', 'select', undefined, [['local', 'Local file system'], ['amazons3', 'Amazon S3']]),
    f('FileSettings', 'Directory', 'Local storage directory', 'text'),
    f('FileSettings', 'AmazonS3Bucket', 'Amazon S3 bucket', 'text'),
    f('FileSettings', 'AmazonS3Region', 'Amazon S3 region', 'text'),
    f('FileSettings', 'AmazonS3Endpoint', 'Amazon S3 endpoint', 'text'),
    f('FileSettings', 'AmazonS3AccessKeyId', 'Amazon S3 access key ID', 'text'),
    f('FileSettings', 'AmazonS3SecretAccessKey', 'Amazon S3 secret access key', 'secret'),
    f('FileSettings', 'AmazonS3SSL', 'Enable secure Amazon S3 connections', 'bool'),
  ] },
  { id: 'rate_limits', title: 'Rate limiting', fields: [
    f('RateLimitSettings', 'Enable', 'Enable rate limiting', 'bool'),
    f('RateLimitSettings', 'PerSec', 'Maximum queries per second', 'number'),
    f('RateLimitSettings', 'MaxBurst', 'Maximum burst size', 'number'),
    f('RateLimitSettings', 'MemoryStoreSize', 'Memory store size', 'number'),
    f('RateLimitSettings', 'VaryByRemoteAddr', 'Vary rate limit by remote address', 'bool'),
    f('RateLimitSettings', 'VaryByUser', 'Vary rate limit by user', 'bool'),
    f('RateLimitSettings', 'VaryByHeader', 'Vary rate limit by HTTP header', 'text'),
    f('ServiceSettings', 'TrustedProxyIPHeader', 'Trusted proxy IP headers', 'list', 'Comma-separated, e.g. X-Forwarded-For, X-Real-IP.'),
  ] },
  { id: 'retention', title: 'Data retention policies', fields: [
    f('DataRetentionSettings', 'EnableMessageDeletion', 'Delete messages after a time', 'bool'),
    f('DataRetentionSettings', 'MessageRetentionDays', 'Message retention (days)', 'number'),
    f('DataRetentionSettings', 'EnableFileDeletion', 'Delete files after a time', 'bool'),
    f('DataRetentionSettings', 'FileRetentionDays', 'File retention (days)', 'number'),
    f('DataRetentionSettings', 'DeletionJobStartTime', 'Deletion job start time (HH:MM)', 'text'),
    f('ExportSettings', 'RetentionDays', 'Keep exports for (days)', 'number'),
    f('ImportSettings', 'RetentionDays', 'Keep imports for (days)', 'number'),
  ] },
  { id: 'compliance', title: 'Compliance', fields: [
    f('ComplianceSettings', 'Enable', 'Enable compliance reporting', 'bool'),
    f('ComplianceSettings', 'Directory', 'Compliance report directory', 'text'),
    f('ComplianceSettings', 'EnableDaily', 'Enable daily report', 'bool'),
    f('ComplianceSettings', 'BatchSize', 'Batch size', 'number'),
    f('MessageExportSettings', 'EnableExport', 'Enable compliance export', 'bool'),
    f('MessageExportSettings', 'ExportFormat', 'Export format', 'select', undefined, [['actiance', 'Actiance XML'], ['csv', 'CSV'], ['globalrelay', 'Global Relay EML']]),
    f('MessageExportSettings', 'DailyRunTime', 'Compliance export time (HH:MM)', 'text'),
  ] },
  { id: 'custom_terms_of_service', title: 'Custom terms of service', intro: 'Users must accept the terms of service in force before they use the web and mobile apps, and again after the re-acceptance period. Write and publish the text below.', fields: [
    f('SupportSettings', 'CustomTermsOfServiceEnabled', 'Enable custom terms of service', 'bool', 'When on, users who have not accepted the newest version see it full page; declining logs them out.'),
    f('SupportSettings', 'CustomTermsOfServiceReAcceptancePeriod', 'Re-acceptance period (days)', 'number', 'Users accept the terms again after this many days, even unchanged.'),
  ] },
  { id: 'integrations', title: 'Integrations', fields: [
    f('ServiceSettings', 'EnableIncomingWebhooks', 'Enable incoming webhooks', 'bool'),
    f('ServiceSettings', 'EnableOutgoingWebhooks', 'Enable outgoing webhooks', 'bool'),
    f('ServiceSettings', 'EnableCommands', 'Enable custom slash commands', 'bool'),
    f('ServiceSettings', 'EnablePostUsernameOverride', 'Enable integrations to override usernames', 'bool'),
    f('ServiceSettings', 'EnablePostIconOverride', 'Enable integrations to override profile picture icons', 'bool'),
    f('ServiceSettings', 'EnableBotAccountCreation', 'Enable bot account creation', 'bool'),
    f('ServiceSettings', 'AllowedUntrustedInternalConnections', 'Allow untrusted internal connections to', 'text'),
    f('ServiceSettings', 'OutgoingIntegrationRequestsTimeout', 'Integration request timeout (seconds)', 'number'),
  ] },
]
