import { useEffect, useState } from 'react'
import type { Route } from '../router'
import { navigate } from '../router'
import { getState, setState, useStore, channelTitle, upsert, type Ch } from '../store'
import { client, errMessage } from '../api'
import { joinChannel, loadTeamChannels, openChannel, openDM, joinTeam, jumpToPost, showToast } from '../actions'
import { totals, tabTitle } from '../lib/unread'
import { crtEnabled } from '../lib/crt'
import { Sidebar } from './Sidebar'
import { ChannelView } from './ChannelView'
import { ThreadPanel } from './ThreadPanel'
import { Modals, openModal } from './Modals'
import { SearchPanel } from './SearchPanel'
import { FilePreview } from './PostExtras'

type TeamRoute = Extract<Route, { team: string }>

export function TeamView({ route }: { route: TeamRoute }) {
  const teams = useStore((s) => s.teams)
  const myTeamIds = useStore((s) => s.myTeamIds)
  const team = myTeamIds.map((id) => teams[id]).find((t) => t?.name === route.team)
  const currentChannelId = useStore((s) => s.currentChannelId)
  const rhs = useStore((s) => s.rhsRootId)
  const searching = useStore((s) => !!s.rhsSearch)
  const [err, setErr] = useState('')
  const [navOpen, setNavOpen] = useState(false)
  const [loaded, setLoaded] = useState(false)

  // Team from the URL that we are not in: join it if it is open.
  useEffect(() => {
    if (team) return
    client.getTeamByName(route.team).then((t) => joinTeam(t.id)).catch(() => navigate('/select_team', true))
  }, [team, route.team])

  useEffect(() => {
    if (!team) return
    localStorage.setItem('parley.lastTeam', team.name)
    setState({ currentTeamId: team.id })
    setLoaded(false)
    loadTeamChannels(team.id).then(() => setLoaded(true), (e) => setErr(errMessage(e)))
  }, [team?.id])

  // Resolve the route to a channel.
  const routeKey = JSON.stringify(route)
  useEffect(() => {
    if (!team || !loaded) return
    setErr('')
    setNavOpen(false)
    resolve(route, team.id, team.name).catch((e) => setErr(errMessage(e)))
  }, [routeKey, loaded, team?.id])

  useTitle(team?.display_name)
  useShortcuts()

  if (!team) return <div className="splash">Loading…</div>
  return <div className={`layout${rhs || searching ? ' has-rhs' : ''}${navOpen ? ' nav-open' : ''}`}>
    <a href="#composer" className="skip">Skip to message box</a>
    <Sidebar team={team} onNavigate={() => setNavOpen(false)} />
    <div className="scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
    <main className="center" aria-label="Channel">
      {err ? <div className="empty"><p className="error" role="alert">{err}</p></div>
        : currentChannelId ? <ChannelView key={currentChannelId} channelId={currentChannelId} teamName={team.name} onMenu={() => setNavOpen(true)} />
          : <div className="empty">Loading…</div>}
    </main>
    {rhs ? <ThreadPanel rootId={rhs} teamName={team.name} /> : searching ? <SearchPanel teamName={team.name} /> : null}
    <Modals team={team} />
    <FilePreview />
  </div>
}

async function resolve(route: TeamRoute, teamId: string, teamName: string) {
  const st = getState()
  const mine = (c: Ch) => !!st.members[c.id] && (c.team_id === teamId || c.type === 'D' || c.type === 'G' || !c.team_id)
  if (route.kind === 'team') {
    const last = localStorage.getItem(`parley.lastChannel.${teamName}`) || 'town-square'
    navigate(`/${teamName}/channels/${last}`, true)
    return
  }
  if (route.kind === 'channel') {
    let ch = Object.values(st.channels).find((c) => c.name === route.channel && (mine(c) || (!!c.delete_at && c.team_id === teamId)))
    if (!ch) {
      // Archived channels stay readable (include_deleted): they open read-only, without joining.
      const found = await client.getChannelByNameAndTeamName(teamName, route.channel, true).catch(() => null)
      if (!found) {
        if (route.channel !== 'town-square') {
          showToast(`Channel not found: “${route.channel}” is private or does not exist.`)
          navigate(`/${teamName}/channels/town-square`, true)
          return
        }
        throw new Error('Channel not found')
      }
      if (found.delete_at) setState((s) => ({ channels: upsert(s.channels, [found as Ch]) }))
      else await joinChannel(found.id)
      ch = getState().channels[found.id]
    }
    localStorage.setItem(`parley.lastChannel.${teamName}`, route.channel)
    if (getState().currentChannelId !== ch.id) {
      const root = getState().rhsRootId // keep a thread of this channel open (a jump to a reply opened it)
      if (root && getState().posts[root]?.channel_id !== ch.id) setState({ rhsRootId: undefined })
      await openChannel(ch.id)
    }
    document.getElementById('composer')?.focus()
    return
  }
  if (route.kind === 'dm') {
    const u = await client.getUserByUsername(route.username)
    const ch = await openDM([u.id])
    navigate(`/${teamName}/channels/${ch.name}`, true)
    return
  }
  if (route.kind === 'permalink') {
    const cid = await jumpToPost(route.postId) // loads the channel around the post, however old
    const ch = getState().channels[cid] || await client.getChannel(cid)
    navigate(`/${teamName}/channels/${ch.name}`, true)
  }
}

function useTitle(teamName?: string) {
  const st = useStore((s) => s)
  const ch = st.currentChannelId ? st.channels[st.currentChannelId] : undefined
  const site = st.config.SiteName || 'Parley'
  const teamChannels = Object.values(st.channels).filter((c) => st.members[c.id] && (c.team_id === st.currentTeamId || !c.team_id))
  const t = totals(teamChannels, st.members, crtEnabled(st.config))
  const otherTeams = Object.entries(st.teamUnread).some(([id, u]) => id !== st.currentTeamId && (u.msgs > 0 || u.mentions > 0))
  const base = ch ? `${channelTitle(ch, st)} - ${teamName} ${site}` : site
  const title = tabTitle(base, t, otherTeams)
  useEffect(() => { document.title = title }, [title])
}

function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') { e.preventDefault(); openModal('switcher') }
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) { // previous/next channel in the sidebar
        const links = [...document.querySelectorAll<HTMLAnchorElement>('.sidebar a.ch')]
        const i = links.findIndex((l) => l.getAttribute('aria-current') === 'page')
        const next = links[(i + (e.key === 'ArrowUp' ? -1 : 1) + links.length) % links.length]
        if (next) { e.preventDefault(); next.click() }
      }
      if (e.key === 'Escape' && !document.querySelector('.modal, .preview-backdrop')) {
        if (getState().rhsRootId) setState({ rhsRootId: undefined })
        else if (getState().rhsSearch) setState({ rhsSearch: undefined })
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
