// Mattermost's rules for a custom emoji's name (model.IsValidEmojiName and
// the "already exists" check against system emoji), checked before uploading.
export function emojiNameRefusal(name: string, exists: (name: string) => boolean): string {
  if (!name) return 'Enter a name.'
  if (name.length > 64) return 'A name is at most 64 characters.'
  if (!/^[a-z0-9_+-]+$/.test(name)) return 'Use lowercase letters, digits, “-”, “+” and “_” only.'
  if (exists(name)) return `:${name}: already exists.`
  return ''
}
