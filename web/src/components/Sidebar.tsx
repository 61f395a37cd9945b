import type { Team } from '@mattermost/types/teams'
import { useRef, useState } from 'react'
import { useStore, setState, channelTitle, dmPartner, type Ch, type State } from '../store'
import { navigate } from '../router'
import { channelUnread } from '../lib/unread'
import { prefValue } from '../lib/prefs'
import { isAdmin, logout, openChannel } from '../actions'
import { openModal } from './Modals'
import { Avatar } from './Avatar'
import { Popup } from './Popup'
import { ThreadsButton } from './ThreadsView'
import { crtEnabled } from '../lib/crt'
import { useCanInvite } from './InviteDialog'

export function Sidebar({ team, onNavigate }: { team: Team; onNavigate: () => void }) {
  const st = useStore((s) => s)
  const [menu, setMenu] = useState(false)
  const meRef = useRef<HTMLButtonElement>(null)
  const canInvite = useCanInvite(team)
  const mine = Object.values(st.channels).filter((c) => st.members[c.id] && !c.delete_at && (c.team_id === team.id || c.type === 'D' || c.type === 'G'))
  const byName = (a: Ch, b: Ch) => channelTitle(a, st).localeCompare(channelTitle(b, st))
  // Sidebar settings: unread channels grouped on top, and how many DMs to list.
  const unreadOnTop = prefValue(st.prefs, 'unreadSection') === 'true'
  const isUnread = (c: Ch) => unreadOnTop && c.id !== st.currentChannelId && channelUnread(c, st.members[c.id]).unread
  const unreads = mine.filter(isUnread).sort(byName)
  const rest = mine.filter((c) => !isUnread(c))
  const favs = rest.filter((c) => st.favorites[c.id]).sort(byName)
  const chans = rest.filter((c) => !st.favorites[c.id] && (c.type === 'O' || c.type === 'P')).sort(byName)
  const dms = rest.filter((c) => !st.favorites[c.id] && (c.type === 'D' || c.type === 'G')).sort((a, b) => (b.last_post_at || 0) - (a.last_post_at || 0)).slice(0, Number(prefValue(st.prefs, 'visibleDms')) || 40)
  const teams = st.myTeamIds.map((id) => st.teams[id]).filter(Boolean).sort((a, b) => a.display_name.localeCompare(b.display_name))
  return <nav className="sidebar" aria-label="Channels">
    <div className="teambar" role="list" aria-label="Teams">
      {teams.map((t) => {
        const u = st.teamUnread[t.id]
        const other = t.id !== team.id
        return <a key={t.id} role="listitem" href={`/${t.name}`} className={`team-btn${t.id === team.id ? ' active' : ''}${other && u?.msgs ? ' unread' : ''}`}
          title={t.display_name} aria-label={`${t.display_name} team${other && u?.mentions ? `, ${u.mentions} mentions` : ''}`} aria-current={t.id === team.id ? 'page' : undefined}
          onClick={(e) => { e.preventDefault(); navigate(`/${t.name}`) }}>
          {t.display_name.slice(0, 2)}
          {other && u?.mentions ? <span className="badge">{u.mentions}</span> : null}
        </a>
      })}
      <span role="listitem"><button className="team-btn add" title="Join or create a team" aria-label="Join or create a team" onClick={() => navigate('/select_team')}>+</button></span>
    </div>
    <div className="sidebar-main">
      <header className="sidebar-head">
        <div className="grow">
          <h2 className="team-name">{team.display_name}</h2>
          <button ref={meRef} className="me-btn" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)}>
            <Avatar userId={st.me!.id} size={20} /> @{st.me!.username} <span aria-hidden="true">▾</span>
          </button>
          {menu && <Popup anchor={meRef} label="Account menu" onClose={() => setMenu(false)} onClick={() => setMenu(false)}>
            <button role="menuitem" onClick={() => openModal('settings')}>Account settings</button>
            {canInvite && <button role="menuitem" onClick={() => openModal('invite')}>Invite people</button>}
            {st.config.EnableCustomEmoji !== 'false' && <button role="menuitem" onClick={() => openModal('emoji')}>Custom emoji</button>}
            {st.config.EnableCustomGroups === 'true' && <button role="menuitem" onClick={() => openModal('groups')}>User groups</button>}
            {isAdmin(st.me) && <button role="menuitem" onClick={() => navigate('/admin_console/users')}>System console</button>}
            <button role="menuitem" onClick={() => navigate('/select_team')}>Join another team</button>
            <button role="menuitem" onClick={() => navigate('/create_team')}>Create a team</button>
            <button role="menuitem" onClick={logout}>Log out</button>
          </Popup>}
        </div>
        <SocketDot state={st.socket} />
      </header>
      <button className="switcher-btn" onClick={() => openModal('switcher')}>Find channel <kbd>Ctrl K</kbd></button>
      <ThreadsButton teamId={team.id} />
      <div className="sections">
        {unreads.length > 0 && <Section title="Unreads" items={unreads} st={st} team={team} onNavigate={onNavigate} />}
        {favs.length > 0 && <Section title="Favorites" items={favs} st={st} team={team} onNavigate={onNavigate} />}
        <Section title="Channels" items={chans} st={st} team={team} onNavigate={onNavigate}
          actions={<>
            <button className="icon" title="Browse channels" aria-label="Browse channels" onClick={() => openModal('browse')}>☰</button>
            <button className="icon" title="Create channel" aria-label="Create channel" onClick={() => openModal('create')}>+</button>
          </>} />
        <Section title="Direct messages" items={dms} st={st} team={team} onNavigate={onNavigate}
          actions={<button className="icon" title="Write to someone" aria-label="Start a direct message" onClick={() => openModal('dm')}>+</button>} />
      </div>
    </div>
  </nav>
}

function SocketDot({ state }: { state: State['socket'] }) {
  const label = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline: refreshing every few seconds'
  return <span className={`sock sock-${state}`} title={label} role="status" aria-label={label} />
}

function Section({ title, items, st, team, actions, onNavigate }: { title: string; items: Ch[]; st: State; team: Team; actions?: React.ReactNode; onNavigate: () => void }) {
  const [collapsed, setCollapsed] = useState(false)
  const id = `sec-${title.replace(/\s/g, '')}`
  return <section className="section" aria-labelledby={id}>
    <div className="section-head">
      <button id={id} className="section-title" aria-expanded={!collapsed} onClick={() => setCollapsed(!collapsed)}>{collapsed ? '▸' : '▾'} {title}</button>
      {actions}
    </div>
    <ul>
      {items.map((c) => {
        const u = channelUnread(c, st.members[c.id], crtEnabled(st.config))
        if (collapsed && !u.unread && c.id !== st.currentChannelId) return null
        const active = c.id === st.currentChannelId
        const partner = dmPartner(c, st)
        const name = channelTitle(c, st)
        return <li key={c.id}>
          <a href={`/${team.name}/channels/${c.name}`} className={`ch${active ? ' active' : ''}${u.unread ? ' unread' : ''}${u.muted ? ' muted' : ''}`}
            aria-current={active ? 'page' : undefined} data-channel={c.name}
            onClick={(e) => {
              e.preventDefault()
              // Open at once (render from the store), then update the address.
              if (!active) { setState({ rhsRootId: undefined }); openChannel(c.id) }
              localStorage.setItem(`parley.lastChannel.${team.name}`, c.name)
              navigate(`/${team.name}/channels/${c.name}`)
              onNavigate()
            }}>
            <span className="ch-icon" aria-hidden="true">{partner ? <Presence status={st.statuses[partner]} /> : c.type === 'P' ? '🔒' : c.type === 'G' ? '👥' : '#'}</span>
            <span className="ch-name">{name}</span>
            {/* The accessible name is the visible text plus words for the icon and the badge (no aria-label, so the two never differ). */}
            {c.type === 'P' && <span className="sr-only"> (private)</span>}
            {u.mentions > 0 ? <><span className="sr-only">, </span><span className="badge">{u.mentions}</span><span className="sr-only"> mention{u.mentions > 1 ? 's' : ''}</span></>
              : u.unread && <span className="sr-only">, unread</span>}
          </a>
        </li>
      })}
    </ul>
  </section>
}

export function Presence({ status }: { status?: string }) {
  const s = status || 'offline'
  return <span className={`presence presence-${s}`} title={s} />
}
