// Draws the coaching dashboard's charts with Chart.js from the tables on the page (the
// tables stay the way to read the exact figures): the caseload of each month as bars, and
// the shares engaged and in EET (Year 12) or with an initial action plan (Year 11) as lines.
import './chart.umd.min.js'

const number = (text) => Number(String(text).replace(/[,%\s]/g, ''))

for (const canvas of document.querySelectorAll('canvas.app-coaching-chart')) {
  const region = document.querySelector(`.app-table-scroll[aria-label="${canvas.dataset.table}"]`)
  const table = region && region.querySelector('table')
  if (!table || !window.Chart) continue
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim())
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent.trim()))
  const column = (name) => rows.map((r) => number(r[heads.indexOf(name)]))
  const lines = heads.includes('EET') ? ['Engaged', 'EET'] : ['Engaged', 'Initial action plan']
  const colours = ['#1d70b8', '#00703c']
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    data: {
      labels: rows.map((r) => r[0]),
      datasets: [
        { type: 'bar', label: 'Caseload', data: column('Caseload'), backgroundColor: '#b1b4b6', yAxisID: 'count' },
        ...lines.map((name, i) => ({ type: 'line', label: `${name} %`, data: column(name), borderColor: colours[i], backgroundColor: colours[i], borderWidth: 3, yAxisID: 'share' }))
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        count: { position: 'left', beginAtZero: true, title: { display: true, text: 'Young people' } },
        share: { position: 'right', beginAtZero: true, max: 100, title: { display: true, text: '% of caseload' }, grid: { drawOnChartArea: false } }
      },
      plugins: { legend: { position: 'bottom' } }
    }
  })
}
