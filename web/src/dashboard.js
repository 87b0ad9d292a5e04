// Draws the dashboard's trend chart from /api/dashboard with Chart.js. The same figures are
// on the page as a table, so the chart is an addition, not the only way to read them.
import './chart.umd.min.js'

const canvas = document.getElementById('trend-chart')
if (canvas && window.Chart) {
  const response = await fetch('/api/dashboard', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
  if (response.ok) {
    const data = await response.json()
    const months = data.trend.map((t) => t.month)
    const series = (key) => data.trend.map((t) => Number(t[key].toFixed(2)))
    const target = (key) => (data.targets && typeof data.targets[key] === 'number' ? months.map(() => data.targets[key]) : null)
    const datasets = [
      { label: 'NEET %', data: series('neet_pct'), borderColor: '#d4351c', backgroundColor: '#d4351c', borderWidth: 3 },
      { label: 'Not known %', data: series('not_known_pct'), borderColor: '#505a5f', backgroundColor: '#505a5f', borderWidth: 3, borderDash: [6, 4] },
      { label: 'NEET or not known %', data: series('neet_nk_pct'), borderColor: '#1d70b8', backgroundColor: '#1d70b8', borderWidth: 3 }
    ]
    const t = target('neet_nk_pct')
    if (t) datasets.push({ label: 'Target, NEET or not known %', data: t, borderColor: '#00703c', backgroundColor: '#00703c', borderWidth: 2, pointRadius: 0, borderDash: [2, 3] })
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: months, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: '% of cohort' } } },
        plugins: { legend: { position: 'bottom' } }
      }
    })
  }
}
