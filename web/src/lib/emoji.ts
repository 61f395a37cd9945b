// A compact table of the most used Mattermost emoji shortcodes, plus the
// server's custom emoji (images at /api/v4/emoji/{id}/image); unknown names stay as text.
export const EMOJI: Record<string, string> = {
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', smile: '😄', smiley: '😃',
  grinning: '😀', grin: '😁', laughing: '😆', satisfied: '😆', joy: '😂', rofl: '🤣',
  sweat_smile: '😅', wink: '😉', blush: '😊', slightly_smiling_face: '🙂', upside_down_face: '🙃',
  heart_eyes: '😍', kissing_heart: '😘', yum: '😋', stuck_out_tongue: '😛', thinking: '🤔',
  thinking_face: '🤔', neutral_face: '😐', expressionless: '😑', unamused: '😒', roll_eyes: '🙄',
  grimacing: '😬', relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴', mask: '😷',
  sunglasses: '😎', nerd_face: '🤓', confused: '😕', worried: '😟', frowning: '😦', open_mouth: '😮',
  astonished: '😲', flushed: '😳', scream: '😱', cry: '😢', sob: '😭', angry: '😠', rage: '😡',
  skull: '💀', poop: '💩', hankey: '💩', clown_face: '🤡', ghost: '👻', robot: '🤖', wave: '👋',
  ok_hand: '👌', v: '✌️', crossed_fingers: '🤞', point_up: '☝️', point_down: '👇', point_left: '👈',
  point_right: '👉', clap: '👏', raised_hands: '🙌', pray: '🙏', muscle: '💪', eyes: '👀',
  heart: '❤️', broken_heart: '💔', orange_heart: '🧡', yellow_heart: '💛', green_heart: '💚',
  blue_heart: '💙', purple_heart: '💜', sparkles: '✨', star: '⭐', star2: '🌟', fire: '🔥',
  boom: '💥', zap: '⚡', sunny: '☀️', cloud: '☁️', snowflake: '❄️', rainbow: '🌈', coffee: '☕',
  beer: '🍺', beers: '🍻', pizza: '🍕', cake: '🍰', tada: '🎉', confetti_ball: '🎊', gift: '🎁',
  trophy: '🏆', rocket: '🚀', bulb: '💡', memo: '📝', pencil: '📝', calendar: '📅', bell: '🔔',
  lock: '🔒', key: '🔑', hammer: '🔨', wrench: '🔧', gear: '⚙️', bug: '🐛', email: '📧',
  white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', no_entry: '⛔',
  question: '❓', exclamation: '❗', '100': '💯', hourglass: '⌛', stopwatch: '⏱️', dog: '🐶',
  cat: '🐱', unicorn: '🦄', see_no_evil: '🙈', handshake: '🤝', facepalm: '🤦', shrug: '🤷',
  chart_with_upwards_trend: '📈', link: '🔗', pushpin: '📌', speech_balloon: '💬',
}

/** Emoji offered first in the reaction picker. */
export const QUICK_EMOJI = ['+1', 'heart', 'smile', 'joy', 'tada', 'eyes', 'white_check_mark', 'pray',
  'fire', 'rocket', 'thinking', 'cry', '-1', 'clap', 'wave', '100', 'ok_hand', 'sunglasses']

export function emojiChar(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : undefined
}

/** Names starting with prefix, for :emoji: autocomplete. */
export function searchEmoji(prefix: string, limit = 8): string[] {
  const p = prefix.toLowerCase()
  const out: string[] = []
  for (const n of Object.keys(EMOJI)) {
    if (n.startsWith(p)) out.push(n)
    if (out.length >= limit) break
  }
  return out
}

// ---------- custom emoji ----------

export interface CustomEmoji { id: string; name: string }
let custom: Record<string, CustomEmoji> = {}

/** The custom emoji known to the client (kept in step with the store). */
export function setCustomEmoji(map: Record<string, CustomEmoji>) { custom = map }

export function customEmoji(name: string): CustomEmoji | undefined {
  return Object.prototype.hasOwnProperty.call(custom, name) ? custom[name] : undefined
}

export const customEmojiUrl = (id: string) => `/api/v4/emoji/${encodeURIComponent(id)}/image`

/** A standard or custom emoji of that name exists. */
export function isEmoji(name: string): boolean {
  return !!emojiChar(name) || !!customEmoji(name)
}

/** Standard and custom names starting with prefix (standard first). */
export function searchAllEmoji(prefix: string, limit = 8): string[] {
  const out = searchEmoji(prefix, limit)
  const p = prefix.toLowerCase()
  for (const n of Object.keys(custom).sort()) {
    if (out.length >= limit) break
    if (n.startsWith(p) && !out.includes(n)) out.push(n)
  }
  return out
}
