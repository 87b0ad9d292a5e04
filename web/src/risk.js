// Draws the relative risk of each RONI indicator with its 95% confidence interval from
// /api/risk/indicators with Chart.js. The page has the same figures as a table, so the chart
// is an addition, not the only way to read them.
import './chart.umd.min.js'

const canvas = document.getElementById('rr-chart')
if (canvas && window.Chart) {
  const year = canvas.dataset.year
  const response = await fetch('/api/risk/indicators?year=' + encodeURIComponent(year), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
  if (response.ok) {
    const data = await response.json()
    const rows = data.indicators.filter((i) => typeof i.relative_risk === 'number' && i.n_with > 0)
    rows.sort((a, b) => b.relative_risk - a.relative_risk)
    canvas.parentElement.style.height = Math.max(240, rows.length * 26 + 80) + 'px'
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: rows.map((i) => i.label),
        datasets: [
          { label: '95% confidence interval', data: rows.map((i) => [i.rr_ci_low, i.rr_ci_high]), backgroundColor: 'rgba(29, 112, 184, 0.35)', borderColor: '#1d70b8', borderWidth: 1, barPercentage: 0.6 },
          { label: 'Relative risk', type: 'scatter', data: rows.map((i, k) => ({ x: i.relative_risk, y: i.label })), backgroundColor: '#0b0c0c', pointRadius: 4 }
        ]
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'Relative risk of NEET in Year 12 (log scale; 1 = no difference)' } },
          y: { type: 'category' }
        },
        plugins: { legend: { position: 'bottom' } }
      }
    })
  }
}
